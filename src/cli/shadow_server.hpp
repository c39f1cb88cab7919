// review --production's shadow: a server with the extension where the
// migration is judged.  Either one this program starts itself (initdb in a
// temporary directory, as the postgres user when run as root, removed
// afterwards), or one given with --shadow, in which a database of its own is
// created and dropped afterwards.
#pragma once

#include <string>

#include "pq_util.hpp"

namespace mg::cli {

class ShadowServer {
 public:
  ShadowServer() = default;
  ShadowServer(const ShadowServer&) = delete;
  ShadowServer& operator=(const ShadowServer&) = delete;
  ~ShadowServer();

  // Starts a server with the programs of bindir (empty: the default
  // look-up); false after saying why.
  bool start(const std::string& bindir);
  // Creates a database of our own on the server of dsn; false after saying why.
  bool attach(const std::string& dsn);

  PGconn* conn() const { return conn_.get(); }
  std::string description() const { return description_; }

  // Stops the server, or drops the database; also done by the destructor.
  void finish();
  // Leaves the database of attach() in place (said on standard error).
  void keep() { keep_ = true; }

 private:
  Conn conn_;
  std::string description_;
  // started
  std::string dir_;
  std::string bindir_;
  bool started_ = false;
  // attached
  std::string admin_dsn_;
  std::string database_;
  bool keep_ = false;
};

// Where the PostgreSQL programs for a started shadow are: --pg-bindir, or
// this program's own directory when initdb is there, or the bindir of the
// installation it was built for.
std::string default_bindir();

}  // namespace mg::cli
