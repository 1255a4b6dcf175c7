// Evidence: which matching records a hit shows. A minute keeps at most
// kMaxEvidencePerMinute. Ranked best first: the earliest record of each
// distinct actor (principal, source IP, eventName, error), earliest first;
// then every other record, earliest first. So 60 failed logins from a decoy
// IP cannot push out the one success from another IP in the same minute.
//
// The kept list depends only on the set of records offered, never on their
// order or on how they were split across workers or --state runs: keeping the
// best N of (the best N of A) plus (the best N of B) gives the best N of A+B.
// A record dropped from a part had N better-ranked records there, and each of
// them, or the earliest record of its actor elsewhere, still ranks better in
// the whole; so nothing dropped early would have been kept at the end.
#include <algorithm>
#include <tuple>

#include "trailwatch/alarm.h"

namespace trailwatch::alarm {

void SelectEvidence(MinuteEvidence* m) {
  std::vector<Evidence>& list = m->kept;
  std::sort(list.begin(), list.end());
  std::vector<Evidence> firsts, repeats;
  for (Evidence& e : list) {
    const bool repeat = std::any_of(firsts.begin(), firsts.end(), [&](const Evidence& f) { return f.SameActor(e); });
    (repeat ? repeats : firsts).push_back(std::move(e));
  }
  list.clear();
  m->firsts = std::min(firsts.size(), Series::kMaxEvidencePerMinute);
  for (Evidence& e : firsts) list.push_back(std::move(e));
  for (Evidence& e : repeats) list.push_back(std::move(e));
  if (list.size() > Series::kMaxEvidencePerMinute) list.resize(Series::kMaxEvidencePerMinute);
}

void Series::AddEvidence(const Evidence& e) {
  MinuteEvidence& m = evidence[e.time / 60];
  ++m.offered;
  std::vector<Evidence>& kept = m.kept;
  if (kept.size() < kMaxEvidencePerMinute) {
    kept.push_back(e);
    SelectEvidence(&m);
    return;
  }
  // Full. Unless `e` is its actor's earliest record and a kept record of the
  // same actor is later (that one becomes a repeat: sort again), `e` changes no other
  // record's rank: it either ranks after the worst kept record and is left
  // out (the common case in a burst), or takes the worst one's place.
  bool repeat = false, demotes = false;
  for (const Evidence& x : kept) {
    if (x.SameActor(e)) (x < e ? repeat : demotes) = true;
  }
  if (demotes && !repeat) {
    kept.push_back(e);
    SelectEvidence(&m);
    return;
  }
  const bool worst_repeat = m.firsts < kept.size();  // repeats are at the end
  if (std::tie(worst_repeat, kept.back()) < std::tie(repeat, e)) return;
  kept.pop_back();  // if it was a first, all were: no repeat of its actor is kept
  if (!worst_repeat) --m.firsts;
  const auto begin = kept.begin() + static_cast<ptrdiff_t>(repeat ? m.firsts : 0);
  const auto end = repeat ? kept.end() : kept.begin() + static_cast<ptrdiff_t>(m.firsts);
  kept.insert(std::upper_bound(begin, end, e), e);
  if (!repeat) ++m.firsts;
}

}  // namespace trailwatch::alarm
