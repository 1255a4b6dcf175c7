// hcl_fuzz: libFuzzer target for the Terraform (HCL2 subset) parser. Any input
// must parse or fail cleanly with a position inside the input, never crash or hang.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ruleset/hcl.h"

namespace {

namespace hcl = trailwatch::ruleset::hcl;

// Walks the tree, touching every string, so ASan sees any bad memory.
size_t Walk(const hcl::Value& v) {
  size_t n = v.text.size();
  for (const hcl::Value& item : v.items) n += Walk(item);
  for (const auto& [key, value] : v.entries) n += key.size() + Walk(value);
  return n;
}

size_t Walk(const std::vector<hcl::Attribute>& attributes, const std::vector<hcl::Block>& blocks) {
  size_t n = 0;
  for (const hcl::Attribute& a : attributes) n += a.name.size() + Walk(a.value);
  for (const hcl::Block& b : blocks) {
    n += b.type.size() + b.labels.size() + Walk(b.attributes, b.blocks);
  }
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto body = hcl::Parse(text);
  if (body.ok()) {
    (void)Walk(body.value().attributes, body.value().blocks);
    return 0;
  }
  const trailwatch::ParseError error = body.error();
  // An error always has a message and a position within the input.
  size_t lines = 1;
  for (char c : text) lines += c == '\n';
  if (error.message.empty() || error.line < 1 || error.line > lines || error.column < 1 ||
      error.column > size + 1 || error.offset > size) {
    std::abort();
  }
  (void)error.Describe();
  return 0;
}
