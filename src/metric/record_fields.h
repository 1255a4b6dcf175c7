// record_fields: the CloudTrail fields that grep's text lines and scan's
// evidence show (principal, source IP, ...), registered once as selectors of
// a PatternSet and read from its Matcher after each record.
#pragma once

#include <string_view>

#include "trailwatch/pattern.h"

namespace trailwatch::pipeline {

struct RecordFields {
  int event_id = -1, region = -1, event_name = -1, arn = -1, user_name = -1, invoked_by = -1,
      type = -1, source_ip = -1, error_code = -1, error_message = -1, account = -1;

  /// Adds the selectors to `set` (before Compile); `scan` adds those only
  /// scan reads (errorMessage, recipientAccountId), which stay -1 otherwise.
  void Register(PatternSet* set, bool scan = false);
  /// The first string or number at `selector`, or empty.
  static std::string_view First(const PatternSet::Matcher& m, int selector);
  /// Who made the call: the identity's ARN, else its userName, else the
  /// service that invoked it, else its type.
  std::string_view Principal(const PatternSet::Matcher& m) const;
};

}  // namespace trailwatch::pipeline
