// SelectorTrie: builds the trie and walks a record with simdjson On-Demand.
// Members no selector names are skipped without being parsed; a member that
// several selectors share is parsed once and its value given to all of them.
#include "pattern/extract.h"

#include <algorithm>
#include <cstring>

namespace trailwatch::pattern {

namespace od = simdjson::ondemand;

SelectorTrie::SelectorTrie() { nodes_.emplace_back(); }

uint32_t SelectorTrie::Child(uint32_t parent, const Step& step) {
  auto make = [&]() {
    nodes_.emplace_back();
    nodes_.back().depth = nodes_[parent].depth + 1;
    return static_cast<uint32_t>(nodes_.size() - 1);
  };
  switch (step.kind) {
    case Step::Kind::kMember:
    case Step::Kind::kSigmaMember: {
      const bool sigma = step.kind == Step::Kind::kSigmaMember;
      Node& p = nodes_[parent];
      for (size_t m = 0; m < p.members.size(); ++m) {
        if (p.members[m].first != step.name) continue;
        const uint32_t id = p.members[m].second;
        if (nodes_[id].sigma == sigma) return id;
        if (p.member_twin[m] != kNone) return p.member_twin[m];
        const uint32_t twin = make();
        nodes_[twin].sigma = sigma;
        nodes_[parent].member_twin[m] = twin;
        return twin;
      }
      const uint32_t id = make();
      nodes_[id].sigma = sigma;
      nodes_[parent].members.emplace_back(step.name, id);
      nodes_[parent].member_twin.push_back(kNone);
      std::string head = step.name + '"';
      head.resize(std::min<size_t>(head.size(), 8));
      uint64_t prefix = 0, mask = 0;
      std::memcpy(&prefix, head.data(), head.size());
      mask = head.size() == 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * head.size())) - 1;
      nodes_[parent].member_prefix.emplace_back(prefix, mask);
      return id;
    }
    case Step::Kind::kIndex: {
      for (const auto& [index, id] : nodes_[parent].indexes) {
        if (index == step.index) return id;
      }
      const uint32_t id = make();
      nodes_[parent].indexes.emplace_back(step.index, id);
      return id;
    }
    case Step::Kind::kAnyMember:
      if (nodes_[parent].any_member == kNone) {
        const uint32_t id = make();
        nodes_[parent].any_member = id;
      }
      return nodes_[parent].any_member;
    case Step::Kind::kAnyIndex:
      if (nodes_[parent].any_index == kNone) {
        const uint32_t id = make();
        nodes_[parent].any_index = id;
      }
      return nodes_[parent].any_index;
  }
  return kNone;
}

uint32_t SelectorTrie::Add(const Selector& selector) {
  for (uint32_t i = 0; i < selectors_.size(); ++i) {
    if (selectors_[i] == selector) return i;
  }
  uint32_t node = 0;
  for (const Step& step : selector.steps) node = Child(node, step);
  selectors_.push_back(selector);
  nodes_[node].slots.push_back(slot_count_);
  return slot_count_++;
}

simdjson::error_code SelectorTrie::Members(od::object& object, const Active& active,
                                           Extracted* out) const {
  // Inside a record (not at its top level) a single trie node without a
  // wildcard can stop once it has found all its members: the rest of the
  // object is then skipped as a block, which matters for large
  // requestParameters. The top level is read whole, so a key written twice
  // there is seen twice.
  const Node& first = nodes_[active.node[0]];
  const bool can_stop = active.n == 1 && first.depth > 0 && first.any_member == kNone;
  size_t left = first.members.size();
  for (auto field_result : object) {
    od::field field;
    if (auto err = std::move(field_result).get(field)) return err;
    const od::raw_json_string key = field.key();
    // Reading eight bytes from the key is safe: the document and its padding follow.
    uint64_t head = 0;
    std::memcpy(&head, key.raw(), 8);
    Active next;
    for (size_t i = 0; i < active.n; ++i) {
      const Node& node = nodes_[active.node[i]];
      for (size_t m = 0; m < node.members.size(); ++m) {
        const auto& [prefix, mask] = node.member_prefix[m];
        // CloudTrail keys have no escapes; raw comparison is exact for them.
        if ((head & mask) == prefix && key == node.members[m].first) {
          next.Add(node.members[m].second);
          next.Add(node.member_twin[m]);
          break;
        }
      }
      next.Add(node.any_member);
    }
    if (next.overflow) return simdjson::CAPACITY;
    if (next.n == 0) continue;  // nobody wants this member: On-Demand skips it
    if (auto err = Visit(field.value(), next, out)) return err;
    if (can_stop && --left == 0) break;
  }
  return simdjson::SUCCESS;
}

simdjson::error_code SelectorTrie::Visit(od::value value, const Active& active,
                                         Extracted* out) const {
  od::json_type type{};
  if (auto err = value.type().get(type)) return err;
  JsonValue v;
  switch (type) {
    case od::json_type::string: {
      v.kind = JsonValue::Kind::kString;
      // Without a backslash the string is its raw text between the quotes:
      // no copy into simdjson's string buffer (stage 1 has checked UTF-8).
      std::string_view token = value.raw_json_token();
      while (!token.empty() && token.back() != '"') token.remove_suffix(1);
      if (token.size() >= 2 && std::memchr(token.data(), '\\', token.size()) == nullptr) {
        v.text = token.substr(1, token.size() - 2);
      } else if (auto err = value.get_string().get(v.text)) {
        return err;
      }
      break;
    }
    case od::json_type::number: {
      v.kind = JsonValue::Kind::kNumber;
      v.text = value.raw_json_token();
      while (!v.text.empty() && (v.text.back() == ' ' || v.text.back() == '\n' ||
                                 v.text.back() == '\r' || v.text.back() == '\t')) {
        v.text.remove_suffix(1);
      }
      if (auto err = value.get_double().get(v.number)) return err;
      break;
    }
    case od::json_type::boolean: {
      bool b = false;
      if (auto err = value.get_bool().get(b)) return err;
      v.kind = b ? JsonValue::Kind::kTrue : JsonValue::Kind::kFalse;
      v.text = b ? "true" : "false";
      break;
    }
    case od::json_type::null: {
      bool is_null = false;
      if (auto err = value.is_null().get(is_null)) return err;
      if (!is_null) return simdjson::N_ATOM_ERROR;
      v.kind = JsonValue::Kind::kNull;
      break;
    }
    case od::json_type::object:
    case od::json_type::array: {
      v.kind = type == od::json_type::object ? JsonValue::Kind::kObject : JsonValue::Kind::kArray;
      // Sigma matches an object as its JSON text, found later from here.
      bool sigma = false;
      for (size_t i = 0; i < active.n; ++i) sigma |= nodes_[active.node[i]].sigma;
      if (sigma) v.text = std::string_view(value.raw_json_token().data(), 0);
      break;
    }
  }
  for (size_t i = 0; i < active.n; ++i) {
    for (uint32_t slot : nodes_[active.node[i]].slots) out->by_slot[slot].push_back(v);
  }
  if (type == od::json_type::object) {
    bool descend = false;
    for (size_t i = 0; i < active.n; ++i) {
      const Node& node = nodes_[active.node[i]];
      descend |= !node.members.empty() || node.any_member != kNone;
    }
    if (!descend) return simdjson::SUCCESS;
    od::object object;
    if (auto err = value.get_object().get(object)) return err;
    return Members(object, active, out);
  }
  if (type == od::json_type::array) {
    bool descend = false;
    for (size_t i = 0; i < active.n; ++i) {
      const Node& node = nodes_[active.node[i]];
      descend |= !node.indexes.empty() || node.any_index != kNone || node.sigma;
    }
    if (!descend) return simdjson::SUCCESS;
    od::array array;
    if (auto err = value.get_array().get(array)) return err;
    uint32_t index = 0;
    for (auto element : array) {
      od::value item;
      if (auto err = element.get(item)) return err;
      Active next;
      for (size_t i = 0; i < active.n; ++i) {
        const Node& node = nodes_[active.node[i]];
        for (const auto& [want, id] : node.indexes) {
          if (want == index) next.Add(id);
        }
        next.Add(node.any_index);
        if (node.sigma) next.Add(active.node[i]);
      }
      ++index;
      if (next.overflow) return simdjson::CAPACITY;
      if (next.n == 0) continue;
      if (auto err = Visit(item, next, out)) return err;
    }
  }
  return simdjson::SUCCESS;
}

simdjson::error_code SelectorTrie::Extract(od::object& object, Extracted* out) const {
  out->Reset(slot_count_);
  Active root;
  root.Add(0);
  return Members(object, root, out);
}

}  // namespace trailwatch::pattern
