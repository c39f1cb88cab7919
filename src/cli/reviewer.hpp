// The review of migration files on a connection to a server that has the
// extension (the --dsn server, or review --production's shadow), and the
// output in each format.
#pragma once

#include <libpq-fe.h>

#include <string>
#include <vector>

#include "ci_formats.hpp"
#include "cli_util.hpp"

namespace mg::cli {

// A FILE argument and what was read from it.
struct Input {
  std::string path;
  std::string name;  // display name
  ReadResult file;
};
std::vector<Input> read_inputs(const std::vector<std::string>& paths);

struct FileReview {
  std::string report;               // markdown or json: report()
  std::vector<CiFinding> findings;  // sarif or github: review(), placed on the statements
  long long errors = 0;             // findings of severity error
};

// What review --production adds to each file's review, and the rule it adds.
class ReviewExtras {
 public:
  virtual ~ReviewExtras() = default;
  // After the file was reviewed on conn; returns false to fail this file.
  virtual bool after_file(PGconn* conn, const Options& opts, const Input& in, FileReview& fr) = 0;
  virtual void add_rules(std::vector<CiRule>& rules) = 0;
};

// The --set settings, in order, for this session; false after saying why.
bool apply_settings(PGconn* conn, const Options& opts);

// Reviews every input on conn, prints the output in opts.format, and returns
// the exit status (kExitClean, kExitFindings, kExitFailure).
int review_inputs(PGconn* conn, const Options& opts, const std::vector<Input>& inputs,
                  ReviewExtras* extras);

}  // namespace mg::cli
