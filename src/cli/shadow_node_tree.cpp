// See shadow_schema.hpp: the pg_node_tree reader (expression trees from the
// catalogs) and the deparser that turns them back into SQL.
#include "shadow_schema.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>

namespace mg::cli::shadow {

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


}  // namespace mg::cli::shadow
