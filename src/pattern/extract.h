// SelectorTrie: the union of all selectors of a PatternSet as a trie, and the
// single On-Demand walk that collects every selector's values from a record.
// Sigma field paths (Step::kSigmaMember) live in the same trie, in nodes of
// their own that see through arrays.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <vector>

#include "pattern/ast.h"
#include "trailwatch/pattern.h"

namespace trailwatch::pattern {

/// Values per trie slot, reused from record to record.
struct Extracted {
  std::vector<std::vector<JsonValue>> by_slot;
  void Reset(size_t slots) {
    by_slot.resize(slots);
    for (auto& v : by_slot) v.clear();
  }
};

class SelectorTrie {
 public:
  SelectorTrie();
  /// Adds a selector (deduplicated); returns its slot.
  uint32_t Add(const Selector& selector);
  size_t slots() const { return slot_count_; }
  /// Walks `object` once, descending only into members some selector names,
  /// and appends each value found to out->by_slot[slot]. Returns simdjson's
  /// error if the JSON is broken on the way.
  simdjson::error_code Extract(simdjson::ondemand::object& object, Extracted* out) const;

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  struct Node {
    std::vector<uint32_t> slots;  // selectors that end here
    std::vector<std::pair<std::string, uint32_t>> members;
    // For each member: the node of the other flavour (CloudWatch or Sigma)
    // for the same name, or kNone; both get the member's value.
    std::vector<uint32_t> member_twin;
    // For each member: its first eight bytes as they appear in the JSON text
    // (the name, then the closing quote if shorter) and a mask, so that most
    // keys are told apart by one 64-bit compare before any memcmp.
    std::vector<std::pair<uint64_t, uint64_t>> member_prefix;
    std::vector<std::pair<uint32_t, uint32_t>> indexes;
    uint32_t any_member = kNone;
    uint32_t any_index = kNone;
    uint32_t depth = 0;
    // A Sigma node: an array here gives itself and then each element to this
    // same node (so its slots get the elements, its members look inside them).
    bool sigma = false;
  };
  // The trie nodes that apply to one JSON value (several when wildcards and
  // names overlap, e.g. $.a.b and $.*.b). Each active node adds at most one
  // named and one wildcard child per level, so the set at most doubles per
  // level that has a wildcard; 64 covers six such levels. Beyond that the walk
  // fails with CAPACITY instead of dropping a value silently.
  struct Active {
    static constexpr size_t kMax = 64;
    uint32_t node[kMax];
    size_t n = 0;
    bool overflow = false;
    void Add(uint32_t id) {
      if (id == kNone) return;
      if (n < kMax) {
        node[n++] = id;
      } else {
        overflow = true;
      }
    }
  };
  uint32_t Child(uint32_t parent, const Step& step);
  simdjson::error_code Visit(simdjson::ondemand::value value, const Active& active,
                             Extracted* out) const;
  simdjson::error_code Members(simdjson::ondemand::object& object, const Active& active,
                               Extracted* out) const;

  std::vector<Node> nodes_;
  std::vector<Selector> selectors_;  // by slot
  uint32_t slot_count_ = 0;
};

}  // namespace trailwatch::pattern
