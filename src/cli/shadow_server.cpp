// See shadow_server.hpp.
#include "shadow_server.hpp"

#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <vector>

#ifndef MG_PG_BINDIR
#define MG_PG_BINDIR ""
#endif

namespace mg::cli {

namespace {

// The started server, for the signal handler: stopped at once, its
// directory removed by a child, when the program is interrupted.
volatile sig_atomic_t g_postmaster = 0;
char g_dir[PATH_MAX] = "";

extern "C" void on_signal(int sig) {
  if (g_postmaster > 0) kill(static_cast<pid_t>(g_postmaster), SIGQUIT);
  if (g_dir[0]) {
    pid_t p = fork();
    if (p == 0) {
      execl("/bin/rm", "rm", "-rf", g_dir, static_cast<char*>(nullptr));
      _exit(1);
    }
  }
  _exit(128 + sig);
}

bool executable(const std::string& path) { return access(path.c_str(), X_OK) == 0; }

int remove_entry(const char* path, const struct stat*, int, struct FTW*) { return ::remove(path); }

void remove_tree(const std::string& dir) {
  if (!dir.empty()) nftw(dir.c_str(), remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

// Runs a program (as the postgres user when we are root), its output into
// log; returns its exit status, or -1.
int run_program(const std::vector<std::string>& argv, const std::string& log, const passwd* as) {
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    if (as) {
      if (setgid(as->pw_gid) != 0 || initgroups(as->pw_name, as->pw_gid) != 0 ||
          setuid(as->pw_uid) != 0)
        _exit(126);
      setenv("HOME", as->pw_dir, 1);
      setenv("USER", as->pw_name, 1);
      setenv("LOGNAME", as->pw_name, 1);
    }
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string read_tail(const std::string& path, std::size_t max = 2000) {
  std::ifstream f(path);
  std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (s.size() > max) s = "..." + s.substr(s.size() - max);
  return s;
}

}  // namespace

std::string default_bindir() {
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  if (n > 0) {
    self[n] = '\0';
    std::string dir(self);
    dir = dir.substr(0, dir.rfind('/'));
    if (executable(dir + "/initdb") && executable(dir + "/pg_ctl")) return dir;
  }
  return MG_PG_BINDIR;
}

ShadowServer::~ShadowServer() { finish(); }

bool ShadowServer::start(const std::string& bindir_arg) {
  bindir_ = bindir_arg.empty() ? default_bindir() : bindir_arg;
  if (bindir_.empty() || !executable(bindir_ + "/initdb") || !executable(bindir_ + "/pg_ctl")) {
    complain("cannot start a shadow server: no initdb and pg_ctl in \"" + bindir_ +
             "\" (give the PostgreSQL programs with --pg-bindir, or a server with --shadow)");
    return false;
  }
  const passwd* as = nullptr;
  if (geteuid() == 0) {
    as = getpwnam("postgres");
    if (!as) {
      complain("cannot start a shadow server as root: PostgreSQL refuses to run as root and there "
               "is no postgres user to run it as (give a server with --shadow)");
      return false;
    }
  }
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/migration-guard-shadow.XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) {
    complain("cannot create a temporary directory for the shadow server: " +
             std::string(std::strerror(errno)));
    return false;
  }
  dir_ = buf.data();
  std::snprintf(g_dir, sizeof g_dir, "%s", dir_.c_str());
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  signal(SIGHUP, on_signal);
  if (as && chown(dir_.c_str(), as->pw_uid, as->pw_gid) != 0) {
    complain("cannot give " + dir_ + " to the postgres user: " + std::strerror(errno));
    return false;
  }
  const std::string log = dir_ + "/initdb.log";
  const std::string data = dir_ + "/data";
  if (run_program({bindir_ + "/initdb", "-D", data, "-U", "postgres", "-A", "trust", "--no-sync",
                   "-E", "UTF8", "--locale=C"},
                  log, as) != 0) {
    complain("initdb of the shadow server failed:\n" + read_tail(log));
    return false;
  }
  {
    std::ofstream conf(data + "/postgresql.conf", std::ios::app);
    conf << "listen_addresses = ''\n"
         << "unix_socket_directories = '" << dir_ << "'\n"
         << "port = 5432\n"
         << "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
         << "autovacuum = off\nmax_connections = 10\nshared_buffers = 16MB\n"
         << "max_wal_senders = 0\nwal_level = minimal\n";
    if (!conf) {
      complain("cannot write the shadow server's configuration in " + data);
      return false;
    }
  }
  const std::string server_log = dir_ + "/server.log";
  if (run_program({bindir_ + "/pg_ctl", "-D", data, "-l", server_log, "-w", "-t", "60", "start"},
                  dir_ + "/pg_ctl.log", as) != 0) {
    complain("the shadow server did not start:\n" + read_tail(server_log));
    return false;
  }
  started_ = true;
  {
    std::ifstream pidfile(data + "/postmaster.pid");
    long pm = 0;
    if (pidfile >> pm) g_postmaster = static_cast<sig_atomic_t>(pm);
  }
  std::string error;
  conn_ = connect("host=" + dir_ + " port=5432 user=postgres dbname=postgres", {}, {}, &error);
  if (!conn_) {
    complain("cannot connect to the shadow server: " + error);
    return false;
  }
  description_ = "a server started by migration-guard with " + bindir_;
  return true;
}

bool ShadowServer::attach(const std::string& dsn) {
  std::string error;
  Conn admin = connect(dsn, {}, {}, &error);
  if (!admin) {
    complain("could not connect to the shadow server (--shadow): " + error);
    return false;
  }
  Result res = exec(admin.get(), "SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user");
  if (!ok(res) || value(res.get(), 0, 0) != "t") {
    complain("the role of --shadow must be a superuser: the production facts are set with "
             "migration_guard.override_facts(), which only superusers may call");
    return false;
  }
  char name[64];
  std::snprintf(name, sizeof name, "mg_shadow_%ld_%ld", static_cast<long>(getpid()),
                static_cast<long>(std::time(nullptr)));
  res = exec(admin.get(), ("CREATE DATABASE " + std::string(name) +
                           " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")
                              .c_str());
  if (!command_ok(res)) {
    complain("cannot create the shadow database on --shadow: " +
             one_line(server_error(res.get(), admin.get())));
    return false;
  }
  admin_dsn_ = dsn;
  database_ = name;
  conn_ = connect(dsn, {}, {{"dbname", database_}}, &error);
  if (!conn_) {
    complain("cannot connect to the shadow database " + database_ + ": " + error);
    return false;
  }
  description_ = std::string("database ") + name + " of the --shadow server";
  return true;
}

void ShadowServer::finish() {
  conn_.reset();
  if (!database_.empty() && keep_) {
    complain("note: the shadow database " + database_ + " is kept (--keep-shadow)");
    database_.clear();
  }
  if (!database_.empty()) {
    std::string error;
    Conn admin = connect(admin_dsn_, {}, {}, &error);
    Result res = admin ? exec(admin.get(), ("DROP DATABASE IF EXISTS " + database_ +
                                            " WITH (FORCE)").c_str())
                       : nullptr;
    if (!command_ok(res))
      complain("could not drop the shadow database " + database_ + ": " +
               (admin ? one_line(server_error(res.get(), admin.get())) : error));
    database_.clear();
  }
  if (started_) {
    const passwd* as = geteuid() == 0 ? getpwnam("postgres") : nullptr;
    run_program({bindir_ + "/pg_ctl", "-D", dir_ + "/data", "-m", "immediate", "-w", "stop"},
                dir_ + "/pg_ctl.log", as);
    started_ = false;
    g_postmaster = 0;
  }
  if (!dir_.empty()) {
    remove_tree(dir_);
    dir_.clear();
    g_dir[0] = '\0';
  }
}

}  // namespace mg::cli
