// record_fields: see record_fields.h.
#include "metric/record_fields.h"

namespace trailwatch::pipeline {

void RecordFields::Register(PatternSet* set, bool scan) {
  PatternError unused;  // the selectors below are valid
  event_id = set->AddSelector("$.eventID", &unused);
  region = set->AddSelector("$.awsRegion", &unused);
  event_name = set->AddSelector("$.eventName", &unused);
  arn = set->AddSelector("$.userIdentity.arn", &unused);
  user_name = set->AddSelector("$.userIdentity.userName", &unused);
  invoked_by = set->AddSelector("$.userIdentity.invokedBy", &unused);
  type = set->AddSelector("$.userIdentity.type", &unused);
  source_ip = set->AddSelector("$.sourceIPAddress", &unused);
  error_code = set->AddSelector("$.errorCode", &unused);
  if (!scan) return;
  error_message = set->AddSelector("$.errorMessage", &unused);
  account = set->AddSelector("$.recipientAccountId", &unused);
}

std::string_view RecordFields::First(const PatternSet::Matcher& m, int selector) {
  auto v = m.values(selector);
  if (v.empty() || (v[0].kind != JsonValue::Kind::kString && v[0].kind != JsonValue::Kind::kNumber)) {
    return {};
  }
  return v[0].text;
}

std::string_view RecordFields::Principal(const PatternSet::Matcher& m) const {
  for (int selector : {arn, user_name, invoked_by, type}) {
    if (std::string_view p = First(m, selector); !p.empty()) return p;
  }
  return {};
}

}  // namespace trailwatch::pipeline
