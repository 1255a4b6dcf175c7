// Conformance of Sigma detections with the specification
// (../shared/ref/sigma-specification) and docs/sigma.md: field maps and lists,
// dotted paths, arrays and objects, case, wildcards and escapes, null, every
// modifier. Each case runs alone and in a PatternSet (sigma_test_util.h).
#include "sigma_test_util.h"

using trailwatch::test::SigmaMatches;

TEST_CASE("Sigma: a map is AND, a list OR, a list of maps OR of ANDs") {
  const std::string map = "sel:\n    eventName: A\n    eventSource: s\ncondition: sel";
  CHECK(SigmaMatches(map, R"({"eventName":"A","eventSource":"s"})"));
  CHECK_FALSE(SigmaMatches(map, R"({"eventName":"A","eventSource":"t"})"));
  const std::string list = "sel:\n    eventName:\n        - A\n        - B\ncondition: sel";
  CHECK(SigmaMatches(list, R"({"eventName":"B"})"));
  CHECK_FALSE(SigmaMatches(list, R"({"eventName":"C"})"));
  const std::string maps = "sel:\n    - eventName: A\n      x: 1\n    - eventName: B\ncondition: sel";
  CHECK(SigmaMatches(maps, R"({"eventName":"A","x":1})"));
  CHECK_FALSE(SigmaMatches(maps, R"({"eventName":"A","x":2})"));
  CHECK(SigmaMatches(maps, R"({"eventName":"B","x":2})"));
}

TEST_CASE("Sigma: dotted paths reach nested fields; arrays match by any element") {
  const std::string det = "sel:\n    a.b.c: x\ncondition: sel";
  CHECK(SigmaMatches(det, R"({"a":{"b":{"c":"x"}}})"));
  CHECK_FALSE(SigmaMatches(det, R"({"a":{"b":{"c":"y"}}})"));
  CHECK_FALSE(SigmaMatches(det, R"({"a.b.c":"x"})"));  // a dot is a path step
  CHECK(SigmaMatches(det, R"({"a":[{"b":{"c":"y"}},{"b":[{"c":"z"},{"c":["w","x"]}]}]})"));
  CHECK_FALSE(SigmaMatches(det, R"({"a":[{"b":{"c":"y"}},{"b":[{"c":"z"}]}]})"));
  CHECK(SigmaMatches(det, R"({"a":{"b":{"c":[["q",["x"]]]}}})"));  // arrays of arrays
}

TEST_CASE("Sigma: an object is matched as its JSON text, escapes decoded") {
  const std::string det = "sel:\n    requestParameters|contains: '\"Status\":\"Suspended\"'\ncondition: sel";
  CHECK(SigmaMatches(det, R"({"requestParameters":{"b":"x","VersioningConfiguration":{"Status":"Suspended"}}})"));
  // whitespace outside strings is not part of the text
  CHECK(SigmaMatches(det, R"({"requestParameters": { "v" : {"Status" : "Suspended"} }})"));
  CHECK_FALSE(SigmaMatches(det, R"({"requestParameters":{"Status":"Enabled"}})"));
  // a JSON string inside the object (a policy document) is seen with its quotes as written
  CHECK(SigmaMatches(det, R"({"requestParameters":{"policy":"{\"Status\":\"Suspended\"}"}})"));
  const std::string eq = "sel:\n    o: '{\"a\":1}'\ncondition: sel";
  CHECK(SigmaMatches(eq, R"({"o":{"a":1}})"));
  CHECK(SigmaMatches("sel:\n    o|contains: 'é'\ncondition: sel", R"({"o":{"k":"caf\u00e9"}})"));
}

TEST_CASE("Sigma: strings compare without case unless |cased") {
  CHECK(SigmaMatches("sel:\n    eventName: deletebucket\ncondition: sel", R"({"eventName":"DeleteBucket"})"));
  CHECK(SigmaMatches("sel:\n    eventName: DELETEBUCKET\ncondition: sel", R"({"eventName":"deleteBucket"})"));
  CHECK_FALSE(SigmaMatches("sel:\n    eventName|cased: deletebucket\ncondition: sel",
                           R"({"eventName":"DeleteBucket"})"));
  CHECK(SigmaMatches("sel:\n    eventName|cased: DeleteBucket\ncondition: sel", R"({"eventName":"DeleteBucket"})"));
  CHECK(SigmaMatches("sel:\n    u|contains|cased: Tru\ncondition: sel", R"({"u":"xTruy"})"));
  CHECK_FALSE(SigmaMatches("sel:\n    u|contains|cased: Tru\ncondition: sel", R"({"u":"xtruy"})"));
  CHECK(SigmaMatches("sel:\n    e: '*Ü*'\ncondition: sel", R"({"e":"Ü"})"));  // only ASCII folds
  CHECK_FALSE(SigmaMatches("sel:\n    e: '*ü*'\ncondition: sel", R"({"e":"Ü"})"));
}

TEST_CASE("Sigma: wildcards * and ? and their escapes") {
  auto m = [](const std::string& value, const std::string& text) {
    return SigmaMatches("sel:\n    f: '" + value + "'\ncondition: sel", R"({"f":")" + text + "\"}");
  };
  CHECK(m("List*", "ListBuckets"));
  CHECK(m("*Buckets", "ListBuckets"));
  CHECK(m("L*t*s", "ListBuckets"));
  CHECK_FALSE(m("L*t*x", "ListBuckets"));
  CHECK(m("*", ""));
  CHECK(m("Get?", "GetX"));
  CHECK_FALSE(m("Get?", "Get"));
  CHECK_FALSE(m("Get?", "GetXY"));
  CHECK(m("caf?", "café"));  // `?` is one character, not one byte
  CHECK(m("a*b*c", "aXbYbZc"));
  CHECK(m("a\\*b", "a*b"));      // \* is a star
  CHECK_FALSE(m("a\\*b", "aXb"));
  CHECK(m("a\\?", "a?"));
  CHECK_FALSE(m("a\\?", "ab"));
  CHECK(m("C:\\Windows\\x", "C:\\\\Windows\\\\x"));     // a lone backslash is itself
  CHECK(m("a\\\\*", "a\\\\anything"));                  // \\* is a backslash, then any text
  CHECK(m("a\\\\\\*", "a\\\\*"));                       // \\\* is a backslash and a star
  CHECK_FALSE(m("a\\\\\\*", "a\\\\x"));
  CHECK(m("a\\\\\\\\b", "a\\\\\\\\b"));                 // \\\\ is two backslashes
}

TEST_CASE("Sigma: numbers, booleans, empty values and null") {
  const std::string num = "sel:\n    port: 22\ncondition: sel";
  CHECK(SigmaMatches(num, R"({"port":22})"));
  CHECK(SigmaMatches(num, R"({"port":22.0})"));  // a YAML number compares as a number
  CHECK(SigmaMatches(num, R"({"port":"22"})"));
  CHECK_FALSE(SigmaMatches(num, R"({"port":220})"));
  const std::string text = "sel:\n    port: '22'\ncondition: sel";
  CHECK(SigmaMatches(text, R"({"port":22})"));  // a string compares with the number's text
  CHECK_FALSE(SigmaMatches(text, R"({"port":22.0})"));
  const std::string boolean = "sel:\n    on: 'true'\ncondition: sel";
  CHECK(SigmaMatches(boolean, R"({"on":true})"));
  CHECK(SigmaMatches(boolean, R"({"on":"TRUE"})"));
  CHECK_FALSE(SigmaMatches(boolean, R"({"on":false})"));
  const std::string empty = "sel:\n    f: ''\ncondition: sel";
  CHECK(SigmaMatches(empty, R"({"f":""})"));
  CHECK_FALSE(SigmaMatches(empty, R"({})"));
  CHECK_FALSE(SigmaMatches(empty, R"({"f":null})"));
  const std::string null = "sel:\n    errorCode: null\ncondition: sel";
  CHECK(SigmaMatches(null, R"({"eventName":"x"})"));          // absent
  CHECK(SigmaMatches(null, R"({"errorCode":null})"));         // JSON null
  CHECK_FALSE(SigmaMatches(null, R"({"errorCode":""})"));
  CHECK_FALSE(SigmaMatches(null, R"({"errorCode":"AccessDenied"})"));
  CHECK_FALSE(SigmaMatches("sel:\n    f: 'null'\ncondition: sel", R"({"f":null})"));  // quoted: text
  CHECK_FALSE(SigmaMatches("sel:\n    f: '*'\ncondition: sel", R"({"f":null})"));     // null has no text
}

TEST_CASE("Sigma: contains, startswith, endswith, all") {
  CHECK(SigmaMatches("sel:\n    ua|contains: browser\ncondition: sel", R"({"ua":"S3 Browser 11"})"));
  CHECK_FALSE(SigmaMatches("sel:\n    ua|contains: browser\ncondition: sel", R"({"ua":"aws-cli"})"));
  CHECK(SigmaMatches("sel:\n    n|startswith: Update\ncondition: sel", R"({"n":"UpdateFunctionConfiguration20150331"})"));
  CHECK_FALSE(SigmaMatches("sel:\n    n|startswith: Update\ncondition: sel", R"({"n":"XUpdate"})"));
  CHECK(SigmaMatches("sel:\n    n|endswith: '.exe'\ncondition: sel", R"({"n":"C:\\x\\CMD.EXE"})"));
  CHECK_FALSE(SigmaMatches("sel:\n    n|endswith: '.exe'\ncondition: sel", R"({"n":"a.exe.txt"})"));
  CHECK(SigmaMatches("sel:\n    n|contains: 'a*c'\ncondition: sel", R"({"n":"xxabbbcxx"})"));  // wildcards inside
  CHECK(SigmaMatches("sel:\n    n|contains: ''\ncondition: sel", R"({"n":"any"})"));
  const std::string all = "sel:\n    p|contains|all:\n        - one\n        - two\ncondition: sel";
  CHECK(SigmaMatches(all, R"({"p":"two and one"})"));
  CHECK_FALSE(SigmaMatches(all, R"({"p":"one only"})"));
  const std::string list_or = "sel:\n    p|contains:\n        - one\n        - two\ncondition: sel";
  CHECK(SigmaMatches(list_or, R"({"p":"one only"})"));
  // all: every value, each satisfied by any element of an array
  CHECK(SigmaMatches(all, R"({"p":["one","two"]})"));
}

TEST_CASE("Sigma: re, with i, m and s, in linear time") {
  const std::string re = "sel:\n    arn|re: '.+:assumed-role/aws:.+'\ncondition: sel";
  CHECK(SigmaMatches(re, R"({"arn":"arn:aws:sts::1:assumed-role/aws:ec2-instance/i-1"})"));
  CHECK_FALSE(SigmaMatches(re, R"({"arn":"arn:aws:sts::1:assumed-role/AWS:ec2-instance/i-1"})"));  // cased
  CHECK(SigmaMatches("sel:\n    a|re: 'b(c|d)+e'\ncondition: sel", R"({"a":"xxbcdcdexx"})"));  // a search
  CHECK(SigmaMatches("sel:\n    a|re: '^b[0-9]{2,3}$'\ncondition: sel", R"({"a":"b123"})"));
  CHECK_FALSE(SigmaMatches("sel:\n    a|re: '^b[0-9]{2,3}$'\ncondition: sel", R"({"a":"b1234"})"));
  CHECK(SigmaMatches("sel:\n    a|re|i: '^ABC'\ncondition: sel", R"({"a":"abcd"})"));
  CHECK_FALSE(SigmaMatches("sel:\n    a|re: '^ABC'\ncondition: sel", R"({"a":"abcd"})"));
  CHECK(SigmaMatches("sel:\n    a|re|m: '^two$'\ncondition: sel", R"({"a":"one\ntwo\nthree"})"));
  CHECK_FALSE(SigmaMatches("sel:\n    a|re: '^two$'\ncondition: sel", R"({"a":"one\ntwo\nthree"})"));
  CHECK(SigmaMatches("sel:\n    a|re|s: 'one.two'\ncondition: sel", R"({"a":"one\ntwo"})"));
  CHECK_FALSE(SigmaMatches("sel:\n    a|re: 'one.two'\ncondition: sel", R"({"a":"one\ntwo"})"));
  CHECK(SigmaMatches("sel:\n    n|re: '^4\\d\\d$'\ncondition: sel", R"({"n":404})"));  // a number's text
  // Catastrophic for a backtracking engine (2^40 paths); RE2 runs it in linear time.
  const std::string evil = "sel:\n    a|re: '^(a+)+$'\ncondition: sel";
  CHECK_FALSE(SigmaMatches(evil, R"({"a":")" + std::string(40, 'a') + "!\"}"));
  CHECK(SigmaMatches(evil, R"({"a":")" + std::string(100000, 'a') + "\"}"));
  const std::string evil2 = "sel:\n    a|re: '(x+x+)+y'\ncondition: sel";
  CHECK_FALSE(SigmaMatches(evil2, R"({"a":")" + std::string(50000, 'x') + "\"}"));
}

TEST_CASE("Sigma: exists") {
  const std::string yes = "sel:\n    errorCode|exists: true\ncondition: sel";
  const std::string no = "sel:\n    errorCode|exists: false\ncondition: sel";
  CHECK(SigmaMatches(yes, R"({"errorCode":"AccessDenied"})"));
  CHECK(SigmaMatches(yes, R"({"errorCode":null})"));  // exists even when null or empty
  CHECK(SigmaMatches(yes, R"({"errorCode":""})"));
  CHECK(SigmaMatches(yes, R"({"errorCode":[]})"));
  CHECK_FALSE(SigmaMatches(yes, R"({"eventName":"x"})"));
  CHECK(SigmaMatches(no, R"({"eventName":"x"})"));
  CHECK_FALSE(SigmaMatches(no, R"({"errorCode":null})"));
  CHECK(SigmaMatches("sel:\n    a.b|exists: true\ncondition: sel", R"({"a":[{"c":1},{"b":2}]})"));
}

TEST_CASE("Sigma: cidr, IPv4 and IPv6") {
  const std::string v4 = "sel:\n    sourceIPAddress|cidr: 10.0.0.0/8\ncondition: sel";
  CHECK(SigmaMatches(v4, R"({"sourceIPAddress":"10.1.2.3"})"));
  CHECK_FALSE(SigmaMatches(v4, R"({"sourceIPAddress":"11.1.2.3"})"));
  CHECK_FALSE(SigmaMatches(v4, R"({"sourceIPAddress":"AWS Internal"})"));
  CHECK_FALSE(SigmaMatches(v4, R"({"sourceIPAddress":"ec2.amazonaws.com"})"));
  CHECK(SigmaMatches(v4, R"({"sourceIPAddress":"::ffff:10.9.9.9"})"));  // IPv4-mapped
  CHECK_FALSE(SigmaMatches(v4, R"({"sourceIPAddress":"2001:db8::1"})"));
  const std::string odd = "sel:\n    ip|cidr: 192.168.0.0/23\ncondition: sel";
  CHECK(SigmaMatches(odd, R"({"ip":"192.168.1.255"})"));
  CHECK_FALSE(SigmaMatches(odd, R"({"ip":"192.168.2.0"})"));
  const std::string v6 = "sel:\n    ip|cidr:\n        - '2001:db8::/32'\n        - 203.0.113.7\ncondition: sel";
  CHECK(SigmaMatches(v6, R"({"ip":"2001:DB8:1::5"})"));
  CHECK_FALSE(SigmaMatches(v6, R"({"ip":"2001:db9::5"})"));
  CHECK(SigmaMatches(v6, R"({"ip":"203.0.113.7"})"));  // a bare address is a /32
  CHECK_FALSE(SigmaMatches(v6, R"({"ip":"203.0.113.8"})"));
  CHECK(SigmaMatches("sel:\n    ip|cidr: 0.0.0.0/0\ncondition: sel", R"({"ip":"8.8.8.8"})"));
}

TEST_CASE("Sigma: base64 and base64offset, utf16 (wide)") {
  // "secret" is c2VjcmV0
  CHECK(SigmaMatches("sel:\n    d|base64: secret\ncondition: sel", R"({"d":"c2VjcmV0"})"));
  CHECK_FALSE(SigmaMatches("sel:\n    d|base64: secret\ncondition: sel", R"({"d":"C2VJCMV0"})"));  // cased
  CHECK(SigmaMatches("sel:\n    d|base64|contains: secret\ncondition: sel", R"({"d":"xxc2VjcmV0yy"})"));
  // base64 of "the secret is out" at offset 0, 1 ("Xthe secret...") and 2 ("XYthe secret...")
  const std::string off = "sel:\n    d|base64offset|contains: secret\ncondition: sel";
  CHECK(SigmaMatches(off, R"({"d":"c2VjcmV0IGlzIG91dA=="})"));   // "secret is out"
  CHECK(SigmaMatches(off, R"({"d":"YXNlY3JldA=="})"));           // "asecret"
  CHECK(SigmaMatches(off, R"({"d":"YWJzZWNyZXQ="})"));           // "absecret"
  CHECK_FALSE(SigmaMatches(off, R"({"d":"cHVibGlj"})"));         // "public"
  // wide: UTF-16LE before base64 ("cmd" -> 63 00 6d 00 64 00 -> YwBtAGQA)
  CHECK(SigmaMatches("sel:\n    c|wide|base64: cmd\ncondition: sel", R"({"c":"YwBtAGQA"})"));
  CHECK(SigmaMatches("sel:\n    c|utf16le|base64offset|contains: cmd\ncondition: sel", R"({"c":"AGMAbQBkAA=="})"));
  CHECK(SigmaMatches("sel:\n    c|utf16be|base64: cmd\ncondition: sel", R"({"c":"AGMAbQBk"})"));
  CHECK(SigmaMatches("sel:\n    c|utf16|base64: cmd\ncondition: sel", R"({"c":"//5jAG0AZAA="})"));
}

TEST_CASE("Sigma: windash") {
  const std::string det = "sel:\n    cmd|windash|contains: ' -enc '\ncondition: sel";
  CHECK(SigmaMatches(det, R"({"cmd":"powershell -enc AAA"})"));
  CHECK(SigmaMatches(det, R"({"cmd":"powershell /enc AAA"})"));
  CHECK(SigmaMatches(det, R"({"cmd":"powershell \u2013enc AAA"})"));  // en dash
  CHECK(SigmaMatches(det, R"({"cmd":"powershell \u2014enc AAA"})"));  // em dash
  CHECK(SigmaMatches(det, R"({"cmd":"powershell \u2015enc AAA"})"));  // horizontal bar
  CHECK_FALSE(SigmaMatches(det, R"({"cmd":"powershell +enc AAA"})"));
  // only a dash that starts a word: the one inside "x-y" stays a dash
  const std::string inner = "sel:\n    a|windash: 'x-y'\ncondition: sel";
  CHECK(SigmaMatches(inner, R"({"a":"x-y"})"));
  CHECK_FALSE(SigmaMatches(inner, R"({"a":"x/y"})"));
}

TEST_CASE("Sigma: lt, lte, gt, gte on numbers and numeric strings") {
  CHECK(SigmaMatches("sel:\n    n|lt: 10\ncondition: sel", R"({"n":9.5})"));
  CHECK_FALSE(SigmaMatches("sel:\n    n|lt: 10\ncondition: sel", R"({"n":10})"));
  CHECK(SigmaMatches("sel:\n    n|lte: 10\ncondition: sel", R"({"n":10})"));
  CHECK(SigmaMatches("sel:\n    n|gt: 10\ncondition: sel", R"({"n":"11"})"));  // a numeric string
  CHECK_FALSE(SigmaMatches("sel:\n    n|gt: 10\ncondition: sel", R"({"n":"11x"})"));
  CHECK_FALSE(SigmaMatches("sel:\n    n|gt: 10\ncondition: sel", R"({"n":true})"));
  CHECK(SigmaMatches("sel:\n    n|gte: -1.5\ncondition: sel", R"({"n":-1.5})"));
  CHECK_FALSE(SigmaMatches("sel:\n    n|gte: 1e3\ncondition: sel", R"({"n":999})"));
  CHECK(SigmaMatches("sel:\n    n|gt: 1\ncondition: sel", R"({"n":[0,5]})"));  // any element
}

TEST_CASE("Sigma: fieldref compares two fields") {
  const std::string eq = "sel:\n    a|fieldref: b.c\ncondition: sel";
  CHECK(SigmaMatches(eq, R"({"a":"Bob","b":{"c":"bob"}})"));  // without case
  CHECK_FALSE(SigmaMatches(eq, R"({"a":"Bob","b":{"c":"bobby"}})"));
  CHECK_FALSE(SigmaMatches(eq, R"({"a":"Bob"})"));
  CHECK_FALSE(SigmaMatches(eq, R"({"a":null,"b":{"c":null}})"));
  CHECK(SigmaMatches(eq, R"({"a":5,"b":{"c":"5"}})"));
  CHECK_FALSE(SigmaMatches("sel:\n    a|fieldref|cased: b\ncondition: sel", R"({"a":"Bob","b":"bob"})"));
  const std::string contains = "sel:\n    arn|fieldref|contains: user\ncondition: sel";
  CHECK(SigmaMatches(contains, R"({"arn":"arn:aws:iam::1:user/bob","user":"bob"})"));
  CHECK_FALSE(SigmaMatches(contains, R"({"arn":"arn:aws:iam::1:user/alice","user":"bob"})"));
  CHECK(SigmaMatches("sel:\n    arn|fieldref|endswith: user\ncondition: sel", R"({"arn":"x/bob","user":"bob"})"));
  CHECK(SigmaMatches("sel:\n    arn|fieldref|startswith: p\ncondition: sel", R"({"arn":"arn:x","p":"arn:"})"));
  const std::string neq = "sel:\n    a|fieldref|neq: b\ncondition: sel";
  CHECK(SigmaMatches(neq, R"({"a":"x","b":"y"})"));
  CHECK_FALSE(SigmaMatches(neq, R"({"a":"x","b":"x"})"));
}

TEST_CASE("Sigma: neq is the negation of each value") {
  const std::string det = "sel:\n    eventName: A\n    errorCode|neq: AccessDenied\ncondition: sel";
  CHECK(SigmaMatches(det, R"({"eventName":"A","errorCode":"Throttling"})"));
  CHECK(SigmaMatches(det, R"({"eventName":"A"})"));  // absent: not equal
  CHECK_FALSE(SigmaMatches(det, R"({"eventName":"A","errorCode":"accessdenied"})"));
  const std::string all = "sel:\n    t|neq|all:\n        - a\n        - b\ncondition: sel";
  CHECK(SigmaMatches(all, R"({"t":"c"})"));
  CHECK_FALSE(SigmaMatches(all, R"({"t":"b"})"));
}

TEST_CASE("Sigma: keywords search the record's JSON text") {
  const std::string list = "keywords:\n    - TruffleHog\n    - 'kali*linux'\ncondition: keywords";
  CHECK(SigmaMatches(list, R"({"userAgent":"trufflehog/3"})"));
  CHECK(SigmaMatches(list, R"({"a":{"b":"Kali GNU/Linux"}})"));
  CHECK_FALSE(SigmaMatches(list, R"({"userAgent":"aws-cli"})"));
  CHECK(SigmaMatches(list, R"({"TruffleHog":1})"));  // keys are text too
  const std::string all = "keywords:\n    '|all':\n        - alpha\n        - beta\ncondition: keywords";
  CHECK(SigmaMatches(all, R"({"x":"alpha","y":"beta"})"));
  CHECK_FALSE(SigmaMatches(all, R"({"x":"alpha"})"));
  CHECK(SigmaMatches("kw: single\ncondition: kw", R"({"x":"a single word"})"));
  CHECK(SigmaMatches("sel:\n    eventName: A\nkw:\n    - needle\ncondition: sel and kw",
                     R"({"eventName":"A","z":"hay needle"})"));
}

TEST_CASE("Sigma: conditions: and, or, not, parentheses, precedence") {
  const std::string defs = "a:\n    x: 1\nb:\n    y: 1\nc:\n    z: 1\n";
  auto m = [&](const std::string& cond, const std::string& rec) {
    return SigmaMatches(defs + "condition: " + cond, rec);
  };
  CHECK(m("a and b", R"({"x":1,"y":1})"));
  CHECK_FALSE(m("a and b", R"({"x":1})"));
  CHECK(m("a or b", R"({"y":1})"));
  CHECK(m("not a", R"({"y":1})"));
  CHECK_FALSE(m("not a", R"({"x":1})"));
  CHECK(m("a or b and c", R"({"x":1})"));           // and binds tighter than or
  CHECK_FALSE(m("(a or b) and c", R"({"x":1})"));
  CHECK(m("not a and b", R"({"y":1})"));            // not binds tighter than and
  CHECK_FALSE(m("not (a and b) and c", R"({"x":1,"y":1,"z":1})"));
  CHECK(m("not not a", R"({"x":1})"));
  CHECK(m("a AND b", R"({"x":1,"y":1})"));  // operators in any case
}

TEST_CASE("Sigma: conditions: 1 of, all of, them, identifier patterns") {
  const std::string defs = "sel_a:\n    x: 1\nsel_b:\n    y: 1\nfilter_1:\n    z: 1\n_hidden:\n    h: 1\n";
  auto m = [&](const std::string& cond, const std::string& rec) {
    return SigmaMatches(defs + "condition: " + cond, rec);
  };
  CHECK(m("1 of sel_*", R"({"y":1})"));
  CHECK_FALSE(m("1 of sel_*", R"({"z":1})"));
  CHECK(m("all of sel_*", R"({"x":1,"y":1})"));
  CHECK_FALSE(m("all of sel_*", R"({"x":1})"));
  CHECK(m("1 of sel_* and not 1 of filter*", R"({"x":1})"));
  CHECK_FALSE(m("1 of sel_* and not 1 of filter*", R"({"x":1,"z":1})"));
  CHECK(m("1 of *_b", R"({"y":1})"));
  CHECK(m("1 of s*_*", R"({"y":1})"));
  CHECK(m("1 of them", R"({"z":1})"));
  CHECK_FALSE(m("1 of them", R"({"h":1})"));           // them leaves out _hidden
  CHECK(m("all of them", R"({"x":1,"y":1,"z":1})"));   // not _hidden
  CHECK(m("1 of _h*", R"({"h":1})"));                  // a pattern may name it
  CHECK(m("any of sel_*", R"({"x":1})"));
  CHECK(m("(1 of sel_*) and not filter_1", R"({"x":1})"));
}

TEST_CASE("Sigma: a list of conditions is their OR") {
  const std::string det = "a:\n    x: 1\nb:\n    y: 1\ncondition:\n    - a\n    - b";
  CHECK(SigmaMatches(det, R"({"y":1})"));
  CHECK_FALSE(SigmaMatches(det, R"({"z":1})"));
}
