// See shadow_schema.hpp.
#include "shadow_schema.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>

namespace mg::cli::shadow {

// ------------------------------------------------------------ quoting

std::string quote_ident(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string quote_literal(std::string_view s) {
  bool backslash = s.find('\\') != std::string_view::npos;
  std::string out = backslash ? "E'" : "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    if (c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string qualified(std::string_view schema, std::string_view name) {
  return quote_ident(schema) + "." + quote_ident(name);
}

const Relation* Snapshot::relation(long oid) const {
  for (const Relation& r : relations)
    if (r.oid == oid) return &r;
  return nullptr;
}

// ------------------------------------------------------------ names

std::set<std::string> candidate_names(std::string_view sql) {
  std::set<std::string> names;
  auto word_char = [](unsigned char c, bool first) {
    return std::isalpha(c) || c == '_' || c >= 0x80 || (!first && (std::isdigit(c) || c == '$'));
  };
  for (std::size_t i = 0; i < sql.size();) {
    unsigned char c = static_cast<unsigned char>(sql[i]);
    if (c == '"') {
      std::string ident;
      std::size_t j = i + 1;
      for (; j < sql.size(); ++j) {
        if (sql[j] == '"') {
          if (j + 1 < sql.size() && sql[j + 1] == '"') {
            ident += '"';
            ++j;
            continue;
          }
          break;
        }
        ident += sql[j];
      }
      if (!ident.empty()) names.insert(ident);
      i = j + 1;
      continue;
    }
    if (word_char(c, true)) {
      std::size_t j = i;
      while (j < sql.size() && word_char(static_cast<unsigned char>(sql[j]), false)) ++j;
      std::string w(sql.substr(i, j - i));
      names.insert(w);
      for (char& ch : w)
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
      names.insert(w);
      i = j;
      continue;
    }
    ++i;
  }
  return names;
}

// ------------------------------------------------------------ pg_node_tree

const Node* Node::field(std::string_view name) const {
  for (const auto& f : fields)
    if (f.first == name) return f.second.get();
  return nullptr;
}

std::string Node::text(std::string_view name) const {
  const Node* f = field(name);
  return f && f->kind == Kind::Atom ? f->atom : std::string();
}

long Node::number(std::string_view name, long otherwise) const {
  const Node* f = field(name);
  if (!f || f->kind != Kind::Atom || f->atom.empty()) return otherwise;
  char* end = nullptr;
  long v = std::strtol(f->atom.c_str(), &end, 10);
  return end && *end == '\0' ? v : otherwise;
}

namespace {

// pg_strtok's tokens: ( ) { } alone, otherwise up to a blank or one of them,
// a backslash quoting the next character.
class Tokenizer {
 public:
  explicit Tokenizer(std::string_view s) : s_(s) {}
  bool next(std::string& tok, bool& quoted) {
    tok.clear();
    quoted = false;
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
    if (pos_ >= s_.size()) return false;
    char c = s_[pos_];
    if (c == '(' || c == ')' || c == '{' || c == '}') {
      tok = c;
      ++pos_;
      return true;
    }
    while (pos_ < s_.size()) {
      c = s_[pos_];
      if (std::isspace(static_cast<unsigned char>(c)) || c == '(' || c == ')' || c == '{' ||
          c == '}')
        break;
      if (c == '\\' && pos_ + 1 < s_.size()) {
        quoted = true;
        tok += s_[pos_ + 1];
        pos_ += 2;
        continue;
      }
      tok += c;
      ++pos_;
    }
    return true;
  }
  std::size_t pos() const { return pos_; }
  void seek(std::size_t p) { pos_ = p; }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

struct TreeParser {
  Tokenizer t;
  std::string error;
  int depth = 0;

  explicit TreeParser(std::string_view s) : t(s) {}

  bool peek(std::string& tok) {
    std::size_t p = t.pos();
    bool q;
    bool ok = t.next(tok, q);
    t.seek(p);
    return ok;
  }

  std::unique_ptr<Node> fail(const std::string& why) {
    if (error.empty()) error = why;
    return nullptr;
  }

  std::unique_ptr<Node> value(const std::string& field) {
    std::string tok;
    bool quoted;
    if (++depth > 500) return fail("tree too deep");
    struct Leave {
      int& d;
      ~Leave() { --d; }
    } leave{depth};
    if (!t.next(tok, quoted)) return fail("unexpected end");
    auto n = std::make_unique<Node>();
    if (field == "constvalue") {
      if (tok == "<>") return n;  // NULL
      n->kind = Node::Kind::Bytes;
      std::string open;
      if (!t.next(open, quoted) || open != "[") return fail("bad constvalue");
      for (;;) {
        std::string b;
        if (!t.next(b, quoted)) return fail("unterminated constvalue");
        if (b == "]") break;
        n->bytes.push_back(static_cast<unsigned char>(std::strtol(b.c_str(), nullptr, 10) & 0xff));
      }
      return n;
    }
    if (!quoted && tok == "<>") return n;
    if (!quoted && tok == "{") {
      n->kind = Node::Kind::Object;
      if (!t.next(n->atom, quoted)) return fail("unterminated node");
      for (;;) {
        std::string f;
        if (!t.next(f, quoted)) return fail("unterminated node " + n->atom);
        if (!quoted && f == "}") break;
        if (f.empty() || f[0] != ':') return fail("expected a field in " + n->atom + ", got " + f);
        std::string name = f.substr(1);
        std::unique_ptr<Node> v = value(name);
        if (!v) return nullptr;
        n->fields.emplace_back(name, std::move(v));
      }
      return n;
    }
    if (!quoted && tok == "(") {
      n->kind = Node::Kind::List;
      std::string first;
      if (!peek(first)) return fail("unterminated list");
      if (first == "i" || first == "o" || first == "b" || first == "x") {
        t.next(first, quoted);
        n->list_type = first[0];
      }
      for (;;) {
        std::string p;
        if (!peek(p)) return fail("unterminated list");
        if (p == ")") {
          t.next(p, quoted);
          break;
        }
        std::unique_ptr<Node> item = value("");
        if (!item) return nullptr;
        n->items.push_back(std::move(item));
      }
      return n;
    }
    n->kind = Node::Kind::Atom;
    n->atom = tok;
    return n;
  }
};

// Little-endian integers from the bytes of a Datum or a varlena.
uint64_t le(const std::vector<unsigned char>& b, std::size_t at, std::size_t len) {
  uint64_t v = 0;
  for (std::size_t i = 0; i < len && at + i < b.size(); ++i) v |= static_cast<uint64_t>(b[at + i]) << (8 * i);
  return v;
}

// The payload of a varlena (header stripped); false for a compressed or
// external one.
bool varlena_payload(const std::vector<unsigned char>& b, std::size_t at, std::size_t& start,
                     std::size_t& len, std::size_t& total) {
  if (at >= b.size()) return false;
  unsigned char h = b[at];
  if ((h & 0x01) == 0x01) {
    if (h == 0x01) return false;  // TOAST pointer
    total = h >> 1;
    if (total < 1) return false;
    start = at + 1;
    len = total - 1;
  } else {
    if ((h & 0x03) == 0x02) return false;  // compressed inline
    uint32_t word = static_cast<uint32_t>(le(b, at, 4));
    total = word >> 2;
    if (total < 4) return false;
    start = at + 4;
    len = total - 4;
  }
  return start + len <= b.size();
}

std::string two(long v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%02ld", v);
  return buf;
}

// days since 2000-01-01 -> YYYY-MM-DD
std::string civil_date(int64_t days) {
  int64_t z = days + 10957 + 719468;  // since 0000-03-01
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp + (mp < 10 ? 3 : -9);
  if (m <= 2) ++y;
  char buf[128];
  if (y <= 0)
    std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld BC", static_cast<long long>(1 - y),
                  static_cast<long long>(m), static_cast<long long>(d));
  else
    std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld", static_cast<long long>(y),
                  static_cast<long long>(m), static_cast<long long>(d));
  return buf;
}

std::string time_of_day(int64_t usec) {
  int64_t secs = usec / 1000000, frac = usec % 1000000;
  std::string out = two(secs / 3600) + ":" + two(secs / 60 % 60) + ":" + two(secs % 60);
  if (frac) {
    char buf[16];
    std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(frac));
    std::string f = buf;
    while (f.back() == '0') f.pop_back();
    out += f;
  }
  return out;
}

std::string timestamp_text(int64_t usec) {
  if (usec == INT64_MIN) return "-infinity";
  if (usec == INT64_MAX) return "infinity";
  int64_t day = usec / 86400000000LL, rest = usec % 86400000000LL;
  if (rest < 0) {
    rest += 86400000000LL;
    --day;
  }
  return civil_date(day) + " " + time_of_day(rest);
}

// The numeric varlena payload as text.
bool numeric_text(const std::vector<unsigned char>& b, std::size_t start, std::size_t len,
                  std::string& out) {
  if (len < 2) return false;
  uint16_t header = static_cast<uint16_t>(le(b, start, 2));
  bool negative = false;
  int dscale = 0, weight = 0;
  std::size_t digits_at;
  if ((header & 0xC000) == 0xC000) {  // special
    if (header == 0xC000) out = "NaN";
    else if (header == 0xD000) out = "Infinity";
    else if (header == 0xF000) out = "-Infinity";
    else return false;
    return true;
  }
  if ((header & 0xC000) == 0x8000) {  // short
    negative = header & 0x2000;
    dscale = (header & 0x1F80) >> 7;
    weight = (header & 0x0040) ? static_cast<int>((header & 0x003F) | ~0x003F) : (header & 0x003F);
    digits_at = start + 2;
  } else {
    if (len < 4) return false;
    negative = (header & 0xC000) == 0x4000;
    dscale = header & 0x3FFF;
    weight = static_cast<int16_t>(le(b, start + 2, 2));
    digits_at = start + 4;
  }
  std::vector<int> digits;
  for (std::size_t p = digits_at; p + 2 <= start + len; p += 2)
    digits.push_back(static_cast<int>(le(b, p, 2)));
  // Integer part: digit groups 0..weight; fraction: dscale decimal digits.
  std::string ip;
  for (int g = 0; g <= weight; ++g) {
    int d = g < static_cast<int>(digits.size()) ? digits[g] : 0;
    char buf[8];
    std::snprintf(buf, sizeof buf, ip.empty() ? "%d" : "%04d", d);
    ip += buf;
  }
  if (ip.empty()) ip = "0";
  std::string fp;
  for (int g = weight + 1; static_cast<int>(fp.size()) < dscale; ++g) {
    int d = g >= 0 && g < static_cast<int>(digits.size()) ? digits[g] : 0;
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04d", d);
    fp += buf;
  }
  fp.resize(static_cast<std::size_t>(dscale));
  out = std::string(negative ? "-" : "") + ip + (dscale ? "." + fp : "");
  return true;
}

bool scalar_text(long type, const Lookups& lk, const std::vector<unsigned char>& b,
                 std::size_t at, std::size_t& consumed, std::string& out, int depth = 0);

bool array_text(long elemtype, const Lookups& lk, const std::vector<unsigned char>& b,
                std::size_t start, std::size_t total_end, std::vector<std::string>& elems,
                std::vector<bool>& nulls) {
  // ArrayType after the varlena header: ndim, dataoffset, elemtype, dims, lbounds.
  std::size_t vstart = start - 4;  // the varlena (4-byte header) start
  int32_t ndim = static_cast<int32_t>(le(b, start, 4));
  int32_t dataoffset = static_cast<int32_t>(le(b, start + 4, 4));
  if (ndim == 0) return true;
  if (ndim != 1) return false;
  int32_t n = static_cast<int32_t>(le(b, start + 12, 4));
  std::size_t bitmap = start + 20;
  std::size_t data = dataoffset ? vstart + static_cast<std::size_t>(dataoffset)
                                : vstart + ((16 + 8 * ndim + 7) & ~static_cast<std::size_t>(7));
  auto it = lk.types.find(elemtype);
  if (it == lk.types.end()) return false;
  const Lookups::TypeInfo& ti = it->second;
  std::size_t align = ti.align == 'c' ? 1 : ti.align == 's' ? 2 : ti.align == 'd' ? 8 : 4;
  std::size_t p = data;
  for (int32_t i = 0; i < n; ++i) {
    bool is_null = dataoffset && !(b[bitmap + static_cast<std::size_t>(i) / 8] & (1 << (i % 8)));
    nulls.push_back(is_null);
    if (is_null) {
      elems.emplace_back();
      continue;
    }
    std::size_t rel = p - vstart;
    if (!(ti.typlen == -1 && p < b.size() && (b[p] & 0x01))) rel = (rel + align - 1) & ~(align - 1);
    p = vstart + rel;
    if (p >= total_end) return false;
    std::size_t consumed = 0;
    std::string text;
    if (!scalar_text(elemtype, lk, b, p, consumed, text, 1)) return false;
    elems.push_back(text);
    p += consumed;
  }
  return true;
}

// The value of type `type` stored at b[at...] (a byval value is in the low
// bytes), as text; consumed: its size in the array layout.
bool scalar_text(long type, const Lookups& lk, const std::vector<unsigned char>& b,
                 std::size_t at, std::size_t& consumed, std::string& out, int depth) {
  auto it = lk.types.find(type);
  if (depth > 3) return false;
  const Lookups::TypeInfo* ti = it == lk.types.end() ? nullptr : &it->second;
  if (ti && ti->typtype == 'd') return scalar_text(ti->basetype, lk, b, at, consumed, out, depth + 1);
  if (ti && ti->typtype == 'e') {
    auto label = lk.enum_labels.find(static_cast<long>(le(b, at, 4)));
    consumed = 4;
    if (label == lk.enum_labels.end()) return false;
    out = label->second;
    return true;
  }
  char buf[64];
  switch (type) {
    case 16:  // bool
      consumed = 1;
      out = b.size() > at && b[at] ? "true" : "false";
      return true;
    case 18:  // "char"
      consumed = 1;
      out = std::string(1, static_cast<char>(b.size() > at ? b[at] : 0));
      return true;
    case 21:
      consumed = 2;
      out = std::to_string(static_cast<int16_t>(le(b, at, 2)));
      return true;
    case 23:
      consumed = 4;
      out = std::to_string(static_cast<int32_t>(le(b, at, 4)));
      return true;
    case 26:
      consumed = 4;
      out = std::to_string(static_cast<uint32_t>(le(b, at, 4)));
      return true;
    case 20:
      consumed = 8;
      out = std::to_string(static_cast<int64_t>(le(b, at, 8)));
      return true;
    case 700: {
      uint32_t bits = static_cast<uint32_t>(le(b, at, 4));
      float f;
      std::memcpy(&f, &bits, 4);
      consumed = 4;
      if (std::isnan(f)) out = "NaN";
      else if (std::isinf(f)) out = f > 0 ? "Infinity" : "-Infinity";
      else {
        std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(f));
        out = buf;
      }
      return true;
    }
    case 701: {
      uint64_t bits = le(b, at, 8);
      double d;
      std::memcpy(&d, &bits, 8);
      consumed = 8;
      if (std::isnan(d)) out = "NaN";
      else if (std::isinf(d)) out = d > 0 ? "Infinity" : "-Infinity";
      else {
        std::snprintf(buf, sizeof buf, "%.17g", d);
        out = buf;
      }
      return true;
    }
    case 1082: {  // date
      int32_t days = static_cast<int32_t>(le(b, at, 4));
      consumed = 4;
      out = days == INT32_MIN ? "-infinity" : days == INT32_MAX ? "infinity" : civil_date(days);
      return true;
    }
    case 1083:  // time
      consumed = 8;
      out = time_of_day(static_cast<int64_t>(le(b, at, 8)));
      return true;
    case 1114:  // timestamp
      consumed = 8;
      out = timestamp_text(static_cast<int64_t>(le(b, at, 8)));
      return true;
    case 1184: {  // timestamptz, in UTC
      int64_t v = static_cast<int64_t>(le(b, at, 8));
      consumed = 8;
      out = timestamp_text(v);
      if (v != INT64_MIN && v != INT64_MAX) out += "+00";
      return true;
    }
    case 2950: {  // uuid
      if (at + 16 > b.size()) return false;
      out.clear();
      for (int i = 0; i < 16; ++i) {
        std::snprintf(buf, sizeof buf, "%02x", b[at + i]);
        out += buf;
        if (i == 3 || i == 5 || i == 7 || i == 9) out += '-';
      }
      consumed = 16;
      return true;
    }
    case 19: {  // name: NAMEDATALEN bytes
      std::size_t end = at;
      while (end < b.size() && b[end]) ++end;
      out.assign(reinterpret_cast<const char*>(b.data() + at), end - at);
      consumed = 64;
      return true;
    }
    default:
      break;
  }
  // Varlena types.
  std::size_t start, len, total;
  if (!varlena_payload(b, at, start, len, total)) return false;
  consumed = total;
  if (type == 25 || type == 1043 || type == 1042 || type == 114) {  // text varchar bpchar json
    out.assign(reinterpret_cast<const char*>(b.data() + start), len);
    return true;
  }
  if (type == 1700) return numeric_text(b, start, len, out);
  if (type == 17) {  // bytea
    out = "\\x";
    for (std::size_t i = 0; i < len; ++i) {
      std::snprintf(buf, sizeof buf, "%02x", b[start + i]);
      out += buf;
    }
    return true;
  }
  if (ti && ti->elemtype != 0 && ti->typlen == -1 && total >= 4 && (b[at] & 0x01) == 0) {
    std::vector<std::string> elems;
    std::vector<bool> nulls;
    if (!array_text(ti->elemtype, lk, b, start, at + total, elems, nulls)) return false;
    out = "{";
    for (std::size_t i = 0; i < elems.size(); ++i) {
      if (i) out += ",";
      if (nulls[i]) {
        out += "NULL";
        continue;
      }
      out += '"';
      for (char c : elems[i]) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
      }
      out += '"';
    }
    out += "}";
    return true;
  }
  return false;
}

std::string type_sql(const Lookups& lk, long type, long typmod) {
  auto it = lk.typmod_types.find({type, static_cast<int>(typmod)});
  if (it != lk.typmod_types.end()) return it->second;
  auto t = lk.types.find(type);
  return t == lk.types.end() ? std::string() : t->second.sql;
}

void collect(const Node& n, std::set<long>& types, std::set<std::pair<long, int>>& typmods,
             std::set<long>& operators, std::set<long>& functions, std::set<long>& collations) {
  if (n.kind == Node::Kind::List)
    for (const auto& i : n.items) collect(*i, types, typmods, operators, functions, collations);
  if (n.kind != Node::Kind::Object) return;
  for (const auto& f : n.fields) {
    const std::string& name = f.first;
    const Node& v = *f.second;
    if (v.kind == Node::Kind::Atom) {
      long x = std::strtol(v.atom.c_str(), nullptr, 10);
      if (x <= 0) continue;
      if (name == "opno") operators.insert(x);
      else if (name == "funcid") functions.insert(x);
      else if (name == "consttype" || name == "resulttype" || name == "vartype" ||
               name == "element_typeid" || name == "array_typeid")
        types.insert(x);
      else if (name == "collOid") collations.insert(x);
    } else {
      collect(v, types, typmods, operators, functions, collations);
    }
  }
  if (n.atom == "RELABELTYPE" || n.atom == "COERCETODOMAIN")
    typmods.insert({n.number("resulttype"), static_cast<int>(n.number("resulttypmod", -1))});
  else if (n.atom == "COERCEVIAIO" || n.atom == "FUNCEXPR" || n.atom == "ARRAYCOERCEEXPR")
    typmods.insert({n.number(n.atom == "FUNCEXPR" ? "funcresulttype" : "resulttype"),
                    static_cast<int>(n.number("resulttypmod", -1))});
  else if (n.atom == "CONST")
    typmods.insert({n.number("consttype"), static_cast<int>(n.number("consttypmod", -1))});
}

struct Deparser {
  const std::map<int, std::string>& columns;
  const Lookups& lk;
  std::string why;

  bool fail(const std::string& w) {
    if (why.empty()) why = w;
    return false;
  }

  bool args(const Node& n, std::vector<std::string>& out) {
    const Node* a = n.field("args");
    if (!a || a->kind == Node::Kind::Null) return true;
    if (a->kind != Node::Kind::List) return fail("args");
    for (const auto& i : a->items) {
      std::string s;
      if (!expr(*i, s)) return false;
      out.push_back(s);
    }
    return true;
  }

  bool op_name(long opno, std::string& out) {
    auto it = lk.operators.find(opno);
    if (it == lk.operators.end()) return fail("operator " + std::to_string(opno));
    if (it->second.schema == "pg_catalog") out = it->second.name;
    else out = "OPERATOR(" + quote_ident(it->second.schema) + "." + it->second.name + ")";
    return true;
  }

  bool cast(const Node& arg, long type, long typmod, std::string& out) {
    std::string a, t = type_sql(lk, type, typmod);
    if (t.empty()) return fail("type " + std::to_string(type));
    if (!expr(arg, a)) return false;
    out = "(" + a + ")::" + t;
    return true;
  }

  bool expr(const Node& n, std::string& out) {
    if (n.kind != Node::Kind::Object) return fail("not an expression");
    const std::string& k = n.atom;
    if (k == "VAR") {
      if (n.number("varno") != 1 || n.number("varlevelsup") != 0) return fail("outer Var");
      auto it = columns.find(static_cast<int>(n.number("varattno")));
      if (it == columns.end()) return fail("Var of an unknown column");
      out = quote_ident(it->second);
      return true;
    }
    if (k == "CONST") return const_literal(n, lk, out) || fail("constant of type " + n.text("consttype"));
    if (k == "OPEXPR" || k == "DISTINCTEXPR" || k == "NULLIFEXPR") {
      std::vector<std::string> a;
      std::string op;
      if (!args(n, a) || !op_name(n.number("opno"), op)) return false;
      if (k == "NULLIFEXPR") {
        if (a.size() != 2) return fail("NULLIF");
        out = "NULLIF(" + a[0] + ", " + a[1] + ")";
      } else if (k == "DISTINCTEXPR") {
        if (a.size() != 2) return fail("IS DISTINCT FROM");
        out = "(" + a[0] + " IS DISTINCT FROM " + a[1] + ")";
      } else if (a.size() == 2) {
        out = "(" + a[0] + " " + op + " " + a[1] + ")";
      } else if (a.size() == 1) {
        out = "(" + op + " " + a[0] + ")";
      } else {
        return fail("operator arity");
      }
      return true;
    }
    if (k == "SCALARARRAYOPEXPR") {
      std::vector<std::string> a;
      std::string op;
      if (!args(n, a) || a.size() != 2 || !op_name(n.number("opno"), op)) return false;
      out = "(" + a[0] + " " + op + (n.text("useOr") == "true" ? " ANY (" : " ALL (") + a[1] + "))";
      return true;
    }
    if (k == "FUNCEXPR") {
      long format = n.number("funcformat");
      const Node* a = n.field("args");
      if (format == 2 && a && a->kind == Node::Kind::List && a->items.size() >= 1)
        return expr(*a->items[0], out);  // implicit cast
      if (format == 1 && a && a->kind == Node::Kind::List && a->items.size() >= 1)
        return cast(*a->items[0], n.number("funcresulttype"), -1, out);
      auto f = lk.functions.find(n.number("funcid"));
      if (f == lk.functions.end()) return fail("function " + n.text("funcid"));
      std::vector<std::string> av;
      if (!args(n, av)) return false;
      out = f->second + "(";
      for (std::size_t i = 0; i < av.size(); ++i) out += (i ? ", " : "") + av[i];
      out += ")";
      return true;
    }
    if (k == "BOOLEXPR") {
      std::vector<std::string> a;
      if (!args(n, a)) return false;
      std::string op = n.text("boolop");
      if (op == "not") {
        if (a.size() != 1) return fail("NOT");
        out = "(NOT " + a[0] + ")";
        return true;
      }
      if (a.empty()) return fail("empty AND/OR");
      out = "(";
      for (std::size_t i = 0; i < a.size(); ++i)
        out += (i ? (op == "and" ? " AND " : " OR ") : "") + a[i];
      out += ")";
      return true;
    }
    if (k == "NULLTEST" || k == "BOOLEANTEST") {
      const Node* arg = n.field("arg");
      std::string a;
      if (!arg || !expr(*arg, a)) return fail(k);
      if (k == "NULLTEST") {
        if (n.text("argisrow") == "true") return fail("row IS NULL");
        out = "(" + a + (n.number("nulltesttype") == 1 ? " IS NOT NULL)" : " IS NULL)");
        return true;
      }
      static const char* const tests[] = {" IS TRUE", " IS NOT TRUE", " IS FALSE",
                                          " IS NOT FALSE", " IS UNKNOWN", " IS NOT UNKNOWN"};
      long t = n.number("booltesttype", -1);
      if (t < 0 || t > 5) return fail("boolean test");
      out = "(" + a + tests[t] + ")";
      return true;
    }
    if (k == "RELABELTYPE" || k == "COERCEVIAIO" || k == "COERCETODOMAIN") {
      const Node* arg = n.field("arg");
      if (!arg) return fail(k);
      long format = n.number(k == "RELABELTYPE" ? "relabelformat" : "coerceformat");
      if (format == 2) return expr(*arg, out);
      return cast(*arg, n.number("resulttype"), n.number("resulttypmod", -1), out);
    }
    if (k == "COLLATEEXPR") {
      const Node* arg = n.field("arg");
      auto c = lk.collations.find(n.number("collOid"));
      std::string a;
      if (!arg || c == lk.collations.end() || !expr(*arg, a)) return fail("COLLATE");
      out = "(" + a + " COLLATE " + c->second + ")";
      return true;
    }
    if (k == "ARRAYEXPR") {
      if (n.text("multidims") == "true") return fail("multidimensional ARRAY");
      const Node* el = n.field("elements");
      out = "ARRAY[";
      if (el && el->kind == Node::Kind::List)
        for (std::size_t i = 0; i < el->items.size(); ++i) {
          std::string s;
          if (!expr(*el->items[i], s)) return false;
          out += (i ? ", " : "") + s;
        }
      out += "]";
      if (!el || el->kind != Node::Kind::List || el->items.empty()) {
        std::string t = type_sql(lk, n.number("array_typeid"), -1);
        if (t.empty()) return fail("empty ARRAY");
        out += "::" + t;
      }
      return true;
    }
    if (k == "CASEEXPR") {
      // Searched CASE only: CASE x WHEN ... compares against a placeholder node.
      const Node* arg = n.field("arg");
      if (arg && arg->kind != Node::Kind::Null) return fail("CASE with an operand");
      const Node* whens = n.field("args");
      if (!whens || whens->kind != Node::Kind::List || whens->items.empty()) return fail("CASE");
      out = "CASE";
      for (const auto& w : whens->items) {
        const Node* e = w->field("expr");
        const Node* r = w->field("result");
        std::string es, rs;
        if (w->atom != "CASEWHEN" || !e || !r || !expr(*e, es) || !expr(*r, rs)) return fail("CASE");
        out += " WHEN " + es + " THEN " + rs;
      }
      const Node* d = n.field("defresult");
      if (d && d->kind != Node::Kind::Null) {
        std::string ds;
        if (!expr(*d, ds)) return false;
        out += " ELSE " + ds;
      }
      out += " END";
      return true;
    }
    if (k == "COALESCEEXPR" || k == "MINMAXEXPR") {
      std::vector<std::string> a;
      if (!args(n, a) || a.empty()) return fail(k);
      out = k == "COALESCEEXPR" ? "COALESCE(" : n.number("op") == 0 ? "GREATEST(" : "LEAST(";
      for (std::size_t i = 0; i < a.size(); ++i) out += (i ? ", " : "") + a[i];
      out += ")";
      return true;
    }
    return fail(k);
  }
};

void not_null_columns(const Node& n, std::set<int>& out) {
  if (n.kind != Node::Kind::Object) return;
  if (n.atom == "NULLTEST" && n.number("nulltesttype") == 1 && n.text("argisrow") != "true") {
    const Node* arg = n.field("arg");
    while (arg && arg->kind == Node::Kind::Object && arg->atom == "RELABELTYPE") arg = arg->field("arg");
    if (arg && arg->kind == Node::Kind::Object && arg->atom == "VAR" && arg->number("varno") == 1)
      out.insert(static_cast<int>(arg->number("varattno")));
    return;
  }
  if (n.atom == "BOOLEXPR" && n.text("boolop") == "and") {
    const Node* a = n.field("args");
    if (a && a->kind == Node::Kind::List)
      for (const auto& i : a->items) not_null_columns(*i, out);
  }
}

}  // namespace

std::unique_ptr<Node> parse_node_tree(std::string_view text, std::string* error) {
  TreeParser p(text);
  std::unique_ptr<Node> n = p.value("");
  if (!n && error) *error = p.error;
  return n;
}

void collect_oids(const Node& n, std::set<long>& types, std::set<std::pair<long, int>>& typmods,
                  std::set<long>& operators, std::set<long>& functions, std::set<long>& collations) {
  collect(n, types, typmods, operators, functions, collations);
}

bool deparse(const Node& n, const std::map<int, std::string>& columns, const Lookups& lookups,
             std::string& out, std::string* why) {
  Deparser d{columns, lookups, {}};
  bool ok = d.expr(n, out);
  if (!ok && why) *why = d.why;
  return ok;
}

std::set<int> proven_not_null(const Node& n) {
  std::set<int> out;
  not_null_columns(n, out);
  return out;
}

bool const_literal(const Node& n, const Lookups& lk, std::string& out) {
  long type = n.number("consttype");
  long typmod = n.number("consttypmod", -1);
  std::string t = type_sql(lk, type, typmod);
  if (t.empty()) return false;
  const Node* v = n.field("constvalue");
  if (n.text("constisnull") == "true" || !v || v->kind == Node::Kind::Null) {
    out = "NULL::" + t;
    return true;
  }
  if (v->kind != Node::Kind::Bytes) return false;
  std::size_t consumed = 0;
  std::string text;
  if (!scalar_text(type, lk, v->bytes, 0, consumed, text)) return false;
  if (type == 23) {
    out = text[0] == '-' ? "(" + text + ")" : text;
    return true;
  }
  if (type == 16) {
    out = text;
    return true;
  }
  out = quote_literal(text) + "::" + t;
  return true;
}

// ------------------------------------------------------------ the shadow's DDL

namespace {

std::map<int, std::string> column_names(const Relation& r) {
  std::map<int, std::string> m;
  for (const Column& c : r.columns) m[c.attnum] = c.name;
  return m;
}

std::string column_name(const Relation& r, int attnum) {
  for (const Column& c : r.columns)
    if (c.attnum == attnum) return c.name;
  return std::string();
}

std::string column_list(const Relation& r, const std::vector<int>& keys, bool& ok) {
  std::string s;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    std::string n = column_name(r, keys[i]);
    if (n.empty()) ok = false;
    s += (i ? ", " : "") + quote_ident(n);
  }
  return s;
}

std::string rel_name(const Relation& r) { return qualified(r.schema, r.name); }

// Items of a pg_node_tree list (index expressions, partition expressions).
std::vector<const Node*> tree_items(const std::unique_ptr<Node>& tree) {
  std::vector<const Node*> out;
  if (!tree) return out;
  if (tree->kind == Node::Kind::List)
    for (const auto& i : tree->items) out.push_back(i.get());
  else if (tree->kind == Node::Kind::Object)
    out.push_back(tree.get());
  return out;
}

std::string first_column(const Relation& r) {
  return r.columns.empty() ? std::string() : quote_ident(r.columns.front().name);
}

// The key list of an index or a partition key: columns and expressions.
bool key_list(const Relation& r, const std::vector<int>& keys, int nkeys,
              const std::string& exprs_tree, const std::vector<long>& opclasses,
              const std::vector<int>& options, const Lookups& lk, bool standin, std::string& out,
              std::string& why) {
  std::unique_ptr<Node> tree;
  if (!exprs_tree.empty()) {
    std::string err;
    tree = parse_node_tree(exprs_tree, &err);
    if (!tree && !standin) {
      why = "unreadable expression (" + err + ")";
      return false;
    }
  }
  std::vector<const Node*> exprs = tree_items(tree);
  std::size_t next_expr = 0;
  std::map<int, std::string> cols = column_names(r);
  out.clear();
  for (int i = 0; i < nkeys && i < static_cast<int>(keys.size()); ++i) {
    std::string item;
    if (keys[i] != 0) {
      item = quote_ident(column_name(r, keys[i]));
    } else {
      const Node* e = next_expr < exprs.size() ? exprs[next_expr] : nullptr;
      ++next_expr;
      std::string sql, w;
      if (e && deparse(*e, cols, lk, sql, &w)) {
        item = "(" + sql + ")";
      } else if (standin && !r.columns.empty()) {
        item = "((" + first_column(r) + " IS NULL))";
      } else {
        why = "expression not readable: " + (w.empty() ? std::string("missing") : w);
        return false;
      }
    }
    if (i < static_cast<int>(opclasses.size())) {
      auto oc = lk.opclasses.find(opclasses[i]);
      if (oc != lk.opclasses.end() && !(standin && keys[i] == 0)) item += " " + oc->second;
    }
    if (i < static_cast<int>(options.size())) {
      bool desc = options[i] & 1, nulls_first = options[i] & 2;
      if (desc) item += " DESC";
      if (nulls_first != desc) item += nulls_first ? " NULLS FIRST" : " NULLS LAST";
    }
    out += (i ? ", " : "") + item;
  }
  return true;
}

std::string deferrable(const Constraint& c) {
  if (!c.deferrable) return "";
  return c.deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE";
}

std::string fk_action(char a) {
  switch (a) {
    case 'r': return "RESTRICT";
    case 'c': return "CASCADE";
    case 'n': return "SET NULL";
    case 'd': return "SET DEFAULT";
    default: return "NO ACTION";
  }
}

// Parents before children: plain inheritance and partitions.
std::vector<const Relation*> parents_first(const Snapshot& s) {
  std::vector<const Relation*> out;
  std::set<long> placed;
  std::function<void(const Relation&, int)> place = [&](const Relation& r, int depth) {
    if (placed.count(r.oid) || depth > 64) return;
    std::vector<long> parents = r.inherits;
    if (r.partition_of) parents.push_back(r.partition_of);
    for (long p : parents)
      if (const Relation* pr = s.relation(p)) place(*pr, depth + 1);
    if (placed.insert(r.oid).second) out.push_back(&r);
  };
  for (const Relation& r : s.relations) place(r, 0);
  return out;
}

int partition_depth(const Snapshot& s, const Relation& r) {
  int d = 0;
  const Relation* p = &r;
  while (p && p->partition_of && d < 64) {
    p = s.relation(p->partition_of);
    ++d;
  }
  return d;
}

bool type_available(const Snapshot& s, const ShadowEnv& env, long type_oid) {
  for (const Type& t : s.types)
    if (t.oid == type_oid) return t.extension.empty() || env.available_extensions.count(t.extension);
  return true;  // built-in, or a user type recreated
}

}  // namespace

std::vector<Step> shadow_steps(const Snapshot& s, const ShadowEnv& env,
                               std::vector<std::string>& notes) {
  std::vector<Step> steps;
  const Lookups& lk = s.lookups;
  auto add = [&](std::string what, std::string sql, std::string fallback = "",
                 std::string fallback_note = "", bool dup = true) {
    Step st;
    st.what = std::move(what);
    st.sql = std::move(sql);
    st.fallback_sql = std::move(fallback);
    st.fallback_note = std::move(fallback_note);
    st.ignore_duplicate = dup;
    steps.push_back(std::move(st));
  };

  for (const std::string& schema : s.schemas)
    add("schema " + quote_ident(schema), "CREATE SCHEMA IF NOT EXISTS " + quote_ident(schema));

  for (const auto& e : s.extensions) {
    if (!env.available_extensions.count(e.first)) {
      notes.push_back("extension " + e.first + " (" + e.second.version +
                      " on production) is not available in the shadow server: what uses it is "
                      "left out");
      continue;
    }
    std::string sql = "CREATE EXTENSION IF NOT EXISTS " + quote_ident(e.first);
    add("extension " + e.first,
        e.second.schema.empty() ? sql : sql + " SCHEMA " + quote_ident(e.second.schema), sql);
  }

  // Types: enums and ranges, then domains, then composites.
  for (int pass = 0; pass < 3; ++pass)
    for (const Type& t : s.types) {
      if (!t.extension.empty()) continue;
      const std::string name = qualified(t.schema, t.name);
      if (pass == 0 && t.typtype == 'e') {
        std::string labels;
        for (std::size_t i = 0; i < t.labels.size(); ++i)
          labels += (i ? ", " : "") + quote_literal(t.labels[i]);
        add("type " + name, "CREATE TYPE " + name + " AS ENUM (" + labels + ")", "", "", true);
      } else if (pass == 0 && t.typtype == 'r') {
        add("type " + name, "CREATE TYPE " + name + " AS RANGE (SUBTYPE = " + t.subtype + ")", "",
            "", true);
      } else if (pass == 1 && t.typtype == 'd') {
        std::string sql = "CREATE DOMAIN " + name + " AS " + t.base_type;
        std::string plain = sql;
        if (!t.default_sql.empty()) sql += " DEFAULT " + t.default_sql;
        if (t.not_null) sql += " NOT NULL";
        for (const auto& c : t.constraints) sql += " CONSTRAINT " + quote_ident(c.first) + " " + c.second;
        add("domain " + name, sql, plain,
            "domain " + name + " recreated without its default and constraints", true);
      } else if (pass == 2 && t.typtype == 'c') {
        std::string attrs;
        for (std::size_t i = 0; i < t.attributes.size(); ++i)
          attrs += (i ? ", " : "") + quote_ident(t.attributes[i].first) + " " + t.attributes[i].second;
        add("type " + name, "CREATE TYPE " + name + " AS (" + attrs + ")", "", "", true);
      } else if (pass == 0 && t.typtype == 'b') {
        notes.push_back("base type " + name +
                        " (written in C) cannot be recreated: columns of that type are left out");
      }
    }

  for (const Function& f : s.functions) {
    if (!f.extension.empty()) continue;
    add("function " + qualified(f.schema, f.name) + "(" + f.signature + ")", f.definition);
  }
  for (const Sequence& q : s.sequences)
    add("sequence " + qualified(q.schema, q.name),
        "CREATE SEQUENCE IF NOT EXISTS " + qualified(q.schema, q.name));

  std::vector<const Relation*> ordered = parents_first(s);

  // Tables.
  for (const Relation* rp : ordered) {
    const Relation& r = *rp;
    const std::string name = rel_name(r);
    if (r.kind == 'f') {
      notes.push_back("foreign table " + name + " is not recreated");
      continue;
    }
    if (r.kind != 'r' && r.kind != 'p') continue;
    std::map<int, std::string> cols = column_names(r);
    std::string full, minimal, omitted;
    std::vector<std::string> approximations;
    for (const Column& c : r.columns) {
      if (!type_available(s, env, c.type_oid)) {
        omitted += (omitted.empty() ? "" : ", ") + quote_ident(c.name) + " " + c.type;
        continue;
      }
      std::string def = quote_ident(c.name) + " " + c.type;
      std::string min = def;
      if (!c.collation.empty()) {
        if (env.collations.count(c.collation)) def += " COLLATE " + c.collation;
        else approximations.push_back("column " + quote_ident(c.name) + " without COLLATE " + c.collation);
      }
      if (c.generated == 's') {
        std::string sql, why;
        std::unique_ptr<Node> tree = parse_node_tree(c.generated_tree);
        if (tree && deparse(*tree, cols, lk, sql, &why))
          def += " GENERATED ALWAYS AS (" + sql + ") STORED";
        else
          approximations.push_back("generated column " + quote_ident(c.name) +
                                   " is a plain column (expression not readable: " + why + ")");
      } else if (c.identity) {
        def += c.identity == 'a' ? " GENERATED ALWAYS AS IDENTITY" : " GENERATED BY DEFAULT AS IDENTITY";
      } else if (!c.default_sql.empty()) {
        def += " DEFAULT " + c.default_sql;
      }
      if (c.not_null) {
        def += " NOT NULL";
        min += " NOT NULL";
      }
      full += (full.empty() ? "" : ", ") + def;
      minimal += (minimal.empty() ? "" : ", ") + min;
    }
    if (!omitted.empty())
      notes.push_back("table " + name + ": columns left out (their type cannot be recreated): " + omitted);
    for (const std::string& a : approximations) notes.push_back("table " + name + ": " + a);
    std::string tail;
    if (!r.inherits.empty()) {
      tail += " INHERITS (";
      for (std::size_t i = 0; i < r.inherits.size(); ++i) {
        const Relation* p = s.relation(r.inherits[i]);
        tail += (i ? ", " : "") + (p ? rel_name(*p) : std::string("?"));
      }
      tail += ")";
    }
    if (r.kind == 'p') {
      std::string keys, why;
      if (key_list(r, r.partkey.keys, static_cast<int>(r.partkey.keys.size()), r.partkey.exprs_tree,
                   r.partkey.opclasses, {}, lk, false, keys, why)) {
        tail += std::string(" PARTITION BY ") +
                (r.partkey.strategy == 'r' ? "RANGE" : r.partkey.strategy == 'l' ? "LIST" : "HASH") +
                " (" + keys + ")";
      } else {
        notes.push_back("partitioned table " + name +
                        " is a plain table in the shadow (partition key " + why +
                        "): its partitions are plain tables");
      }
    }
    if (!r.access_method.empty() && r.access_method != "heap" && r.kind == 'r')
      notes.push_back("table " + name + " uses access method " + r.access_method +
                      ": recreated with heap");
    const std::string create =
        std::string("CREATE ") + (r.persistence == 'u' ? "UNLOGGED " : "") + "TABLE " + name + " (";
    add("table " + name, create + full + ")" + tail, create + minimal + ")" + tail,
        "table " + name + " recreated without defaults, collations and generated expressions",
        true);
  }

  // Views and materialized views: stand-ins that read the same relations.
  bool any_view = false;
  for (const Relation* rp : ordered) {
    const Relation& r = *rp;
    if (r.kind != 'v' && r.kind != 'm') continue;
    any_view = true;
    std::string select;
    for (const Column& c : r.columns)
      select += (select.empty() ? "" : ", ") + std::string("NULL::") + c.type + " AS " + quote_ident(c.name);
    if (select.empty()) select = "NULL AS \"?column?\"";
    std::string from;
    for (long src : r.view_sources)
      if (const Relation* sr = s.relation(src)) from += (from.empty() ? "" : ", ") + rel_name(*sr);
    std::string sql = std::string(r.kind == 'm' ? "CREATE MATERIALIZED VIEW " : "CREATE VIEW ") +
                      rel_name(r) + " AS SELECT " + select + (from.empty() ? "" : " FROM " + from) +
                      (r.kind == 'm' ? " WITH NO DATA" : "");
    add(std::string(r.kind == 'm' ? "materialized view " : "view ") + rel_name(r), sql, "", "",
        true);
  }
  if (any_view)
    notes.push_back("views and materialized views are stand-ins that read the same relations "
                    "(their queries are not read: that would lock their tables)");

  // PRIMARY KEY, UNIQUE and EXCLUDE constraints, then the other indexes.
  for (const Relation* rp : ordered) {
    const Relation& r = *rp;
    if (r.kind != 'r' && r.kind != 'p' && r.kind != 'm') continue;
    const std::string only = r.kind == 'p' ? "ONLY " : "";
    for (const Constraint& c : r.constraints) {
      if (c.type != 'p' && c.type != 'u' && c.type != 'x') continue;
      const Index* idx = nullptr;
      for (const Index& i : r.indexes)
        if (i.oid == c.index_oid) idx = &i;
      std::string sql = "ALTER TABLE " + only + rel_name(r) + " ADD CONSTRAINT " + quote_ident(c.name);
      bool ok = true;
      if (c.type == 'x') {
        if (!idx) continue;
        std::string keys, why;
        if (!key_list(r, idx->keys, idx->nkeyatts, idx->exprs_tree, idx->opclasses, {}, lk, false,
                      keys, why)) {
          notes.push_back("exclusion constraint " + quote_ident(c.name) + " of " + rel_name(r) +
                          " not recreated: " + why);
          continue;
        }
        // "a, (b)" -> "a WITH op, (b) WITH op": the key items in order.
        std::vector<std::string> items;
        int depth = 0;
        std::string cur;
        for (char ch : keys) {
          if (ch == '(') ++depth;
          if (ch == ')') --depth;
          if (ch == ',' && depth == 0) {
            items.push_back(cur);
            cur.clear();
            continue;
          }
          cur += ch;
        }
        items.push_back(cur);
        std::string ex;
        for (std::size_t i = 0; i < items.size() && i < c.exclusion_ops.size(); ++i) {
          auto op = lk.operators.find(c.exclusion_ops[i]);
          if (op == lk.operators.end()) ok = false;
          else
            ex += (i ? ", " : "") + items[i] + " WITH " +
                  (op->second.schema == "pg_catalog"
                       ? op->second.name
                       : "OPERATOR(" + quote_ident(op->second.schema) + "." + op->second.name + ")");
        }
        sql += " EXCLUDE USING " + quote_ident(idx->am) + " (" + ex + ")";
      } else {
        std::vector<int> key_cols(c.keys);
        sql += c.type == 'p' ? " PRIMARY KEY " : " UNIQUE ";
        if (c.type == 'u' && idx && idx->nulls_not_distinct && env.server_version_num >= 150000)
          sql += "NULLS NOT DISTINCT ";
        sql += "(" + column_list(r, key_cols, ok) + ")";
        if (idx && static_cast<int>(idx->keys.size()) > idx->nkeyatts) {
          std::vector<int> inc(idx->keys.begin() + idx->nkeyatts, idx->keys.end());
          sql += " INCLUDE (" + column_list(r, inc, ok) + ")";
        }
      }
      sql += deferrable(c);
      if (!ok) {
        notes.push_back("constraint " + quote_ident(c.name) + " of " + rel_name(r) + " not recreated");
        continue;
      }
      add("constraint " + quote_ident(c.name) + " of " + rel_name(r), sql);
    }
    for (const Index& i : r.indexes) {
      if (!i.constraint.empty()) continue;
      std::string keys, why, pred;
      bool standin = false;
      if (!key_list(r, i.keys, i.nkeyatts, i.exprs_tree, i.opclasses, i.options, lk, false, keys, why)) {
        key_list(r, i.keys, i.nkeyatts, i.exprs_tree, i.opclasses, i.options, lk, true, keys, why);
        standin = true;
      }
      if (!i.pred_tree.empty()) {
        std::unique_ptr<Node> tree = parse_node_tree(i.pred_tree);
        std::string sql, w;
        if (tree && deparse(*tree, column_names(r), lk, sql, &w)) {
          pred = sql;
        } else {
          pred = "(" + first_column(r) + " IS NOT NULL)";
          why = "predicate not readable: " + w;
          standin = true;
        }
      }
      std::string sql = std::string("CREATE ") + (i.unique ? "UNIQUE " : "") + "INDEX " +
                        quote_ident(i.name) + " ON " + only + rel_name(r) + " USING " +
                        quote_ident(i.am) + " (" + keys + ")";
      if (static_cast<int>(i.keys.size()) > i.nkeyatts) {
        bool ok = true;
        std::vector<int> inc(i.keys.begin() + i.nkeyatts, i.keys.end());
        sql += " INCLUDE (" + column_list(r, inc, ok) + ")";
      }
      if (i.nulls_not_distinct && env.server_version_num >= 150000) sql += " NULLS NOT DISTINCT";
      if (!pred.empty()) sql += " WHERE " + pred;
      if (standin)
        notes.push_back("index " + qualified(r.schema, i.name) +
                        " is a stand-in with the same name, columns and uniqueness (" + why + ")");
      add("index " + qualified(r.schema, i.name), sql);
    }
  }

  // CHECK constraints (a plain-inheritance child gets its parents' own).
  for (const Relation* rp : ordered) {
    const Relation& r = *rp;
    if (r.kind != 'r' && r.kind != 'p') continue;
    for (const Constraint& c : r.constraints) {
      if (c.type != 'c') continue;
      if (!c.is_local && !r.inherits.empty()) continue;
      std::unique_ptr<Node> tree = parse_node_tree(c.check_tree);
      std::string expr, why;
      if (!tree || !deparse(*tree, column_names(r), lk, expr, &why)) {
        std::string standin;
        if (tree)
          for (int attnum : proven_not_null(*tree))
            standin += (standin.empty() ? "" : " AND ") + quote_ident(column_name(r, attnum)) + " IS NOT NULL";
        notes.push_back("CHECK constraint " + quote_ident(c.name) + " of " + rel_name(r) +
                        " is a stand-in that proves the same columns NOT NULL (expression not "
                        "readable: " + why + ")");
        expr = standin.empty() ? "true" : standin;
      }
      add("constraint " + quote_ident(c.name) + " of " + rel_name(r),
          "ALTER TABLE " + rel_name(r) + " ADD CONSTRAINT " + quote_ident(c.name) + " CHECK (" +
              expr + ")" + (c.no_inherit ? " NO INHERIT" : "") + (c.validated ? "" : " NOT VALID"),
          "", "", true);
    }
  }

  // Partitions attached, the deepest first; then their indexes.
  std::vector<const Relation*> parts;
  for (const Relation* rp : ordered)
    if (rp->partition_of && !rp->partition_bound.empty() && (rp->kind == 'r' || rp->kind == 'p')) parts.push_back(rp);
  std::stable_sort(parts.begin(), parts.end(), [&](const Relation* a, const Relation* b) {
    return partition_depth(s, *a) > partition_depth(s, *b);
  });
  for (const Relation* rp : parts) {
    const Relation* parent = s.relation(rp->partition_of);
    if (!parent) continue;
    add("partition " + rel_name(*rp) + " of " + rel_name(*parent),
        "ALTER TABLE " + rel_name(*parent) + " ATTACH PARTITION " + rel_name(*rp) + " " +
            rp->partition_bound);
  }
  for (const Relation* rp : ordered)
    for (const Index& i : rp->indexes)
      if (!i.parent_index.empty())
        add("index " + qualified(rp->schema, i.name) + " attached to " + i.parent_index,
            "ALTER INDEX " + i.parent_index + " ATTACH PARTITION " + qualified(rp->schema, i.name));

  // Foreign keys (a partition's copies come with its parent's).
  for (const Relation* rp : ordered) {
    const Relation& r = *rp;
    for (const Constraint& c : r.constraints) {
      if (c.type != 'f' || c.inherited_from_parent) continue;
      const Relation* ref = s.relation(c.ref_oid);
      bool ok = ref != nullptr;
      std::string cols = column_list(r, c.keys, ok);
      std::string refcols = ref ? column_list(*ref, c.ref_keys, ok) : "";
      if (!ok) {
        notes.push_back("foreign key " + quote_ident(c.name) + " of " + rel_name(r) + " not recreated");
        continue;
      }
      add("foreign key " + quote_ident(c.name) + " of " + rel_name(r),
          "ALTER TABLE " + rel_name(r) + " ADD CONSTRAINT " + quote_ident(c.name) + " FOREIGN KEY (" +
              cols + ") REFERENCES " + rel_name(*ref) + " (" + refcols + ")" +
              (c.match == 'f' ? " MATCH FULL" : "") + " ON UPDATE " + fk_action(c.on_update) +
              " ON DELETE " + fk_action(c.on_delete) + deferrable(c) +
              (c.validated ? "" : " NOT VALID"),
          "", "", true);
    }
  }

  // INVALID indexes (a CREATE INDEX CONCURRENTLY that failed on production).
  for (const Relation* rp : ordered)
    for (const Index& i : rp->indexes)
      if (!i.valid)
        add("index " + qualified(rp->schema, i.name) + " marked INVALID",
            "UPDATE pg_catalog.pg_index SET indisvalid = false WHERE indexrelid = " +
                quote_literal(qualified(rp->schema, i.name)) + "::pg_catalog.regclass");
  return steps;
}

Facts relation_facts(const Relation& r, long bs) {
  // The last VACUUM or ANALYZE's counts; the activity counters only for a
  // table never analyzed (they run ahead right after an ANALYZE: the rows
  // inserted before it are counted again when the inserting session reports).
  Facts f;
  if (r.reltuples >= 0)
    f.rows = static_cast<long long>(r.reltuples);
  else if (r.live_tuples > 0)
    f.rows = r.live_tuples;
  if (r.relpages > 0)
    f.bytes = static_cast<long long>(r.relpages) * bs;
  else if (f.rows == 0)
    f.bytes = 0;
  if (f.bytes >= 0) f.bytes += static_cast<long long>(r.toast_pages) * bs;
  return f;
}

Facts index_facts(const Index& i, long bs) {
  Facts f;
  f.rows = i.reltuples >= 0 ? static_cast<long long>(i.reltuples) : -1;
  f.bytes = static_cast<long long>(i.relpages) * bs;
  return f;
}

std::string major_version_note(int production, int shadow) {
  int p = production / 10000, s = shadow / 10000;
  if (p == s) return "";
  return "production runs PostgreSQL " + std::to_string(p) + " and the shadow server " +
         std::to_string(s) + ": the migration was judged by what PostgreSQL " + std::to_string(s) +
         " does (its locks, rewrites and scans), which may differ from what " + std::to_string(p) +
         " will do";
}

// ------------------------------------------------------------ locks

namespace {

int lock_rank(std::string_view mode) {
  static const char* const names[] = {"AccessShareLock", "RowShareLock", "RowExclusiveLock",
                                      "ShareUpdateExclusiveLock", "ShareLock",
                                      "ShareRowExclusiveLock", "ExclusiveLock",
                                      "AccessExclusiveLock"};
  for (int i = 0; i < 8; ++i)
    if (mode == names[i]) return i + 1;
  return 0;
}

}  // namespace

bool lock_conflicts(std::string_view held, std::string_view requested) {
  // LockConflicts[] of the server's lock.c, by rank 1..8.
  static const int conflicts[9] = {
      0,
      1 << 8,
      (1 << 7) | (1 << 8),
      (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8),
      (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8),
      (1 << 3) | (1 << 4) | (1 << 6) | (1 << 7) | (1 << 8),
      (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8),
      (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8),
      (1 << 1) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8),
  };
  int h = lock_rank(held), r = lock_rank(requested);
  return h && r && (conflicts[r] & (1 << h));
}

std::string lock_sql_name(std::string_view mode) {
  std::string m(mode);
  if (m.size() > 4 && m.compare(m.size() - 4, 4, "Lock") == 0) m.resize(m.size() - 4);
  std::string out;
  for (std::size_t i = 0; i < m.size(); ++i) {
    char c = m[i];
    if (i > 0 && c >= 'A' && c <= 'Z') out += ' ';
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace mg::cli::shadow
