#include "core/model.hpp"

namespace mg {

std::string_view effect_name(Effect e) {
  switch (e) {
    case Effect::None:
      return "none";
    case Effect::Metadata:
      return "metadata";
    case Effect::Scan:
      return "scan";
    case Effect::IndexBuild:
      return "index_build";
    case Effect::Rewrite:
      return "rewrite";
    case Effect::Truncate:
      return "truncate";
    case Effect::Drop:
      return "drop";
  }
  return "none";
}

}  // namespace mg
