// Prints what vcard_vobject_test.py checks: `vcard_sample vcf` the vCards of a few fixed entries
// as one .vcf file, `vcard_sample json` the same entries' raw fields, from which the test works
// out on its own what a vCard reader must find.

#include <iostream>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "domain/formats/vcard.h"

namespace {

using liaison::domain::DirectoryEntry;
using liaison::domain::EntryKind;
using liaison::domain::Level;

// A PoC with every field, in Arabic, with the characters vCard escapes (, ; \) in its name.
DirectoryEntry arabic_poc() {
  DirectoryEntry entry;
  entry.id = "0190a0b0-0000-7000-8000-00000000a001";
  entry.state = "JO";
  entry.kind = EntryKind::poc;
  entry.level = Level::policy;
  entry.version.recorded_at = "2025-03-01T09:30:05.123456Z";
  auto& contact = entry.version.contact;
  contact.name = "د. ليلى العبدالله, مديرة; الأمن \\ السيبراني";
  contact.institution = "وزارة الخارجية وشؤون المغتربين";
  contact.position = "مديرة إدارة الأمن السيبراني والتقنيات الناشئة";
  contact.functional_email = "cyber@mfa.gov.jo";
  contact.personal_email = "l.abdullah@mfa.gov.jo";
  contact.phones = {{"+96265735150", "مكتب", false}, {"+962791234567", "هاتف الطوارئ ٢٤/٧", true}};
  contact.languages = {"ar", "en", "fr"};
  contact.time_zone = "Asia/Amman";
  contact.hours = "الأحد–الخميس 08:00–15:00";
  contact.openpgp = liaison::domain::OpenPgpKey{
      "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n"
      "mDMEZk1vNhYJKwYBBAHaRw8BAQdAv1n2b6fK0x6kq3rVtJm3f0d5Hc9YgI0s3nQm\n"
      "tLQgTGF5bGEgQWJkdWxsYWggPGwuYWJkdWxsYWhAbWZhLmdvdi5qbz6IkwQTFgoA\n"
      "=Xy9k\n"
      "-----END PGP PUBLIC KEY BLOCK-----\n",
      "8A1C2D3E4F5061728394A5B6C7D8E9F0A1B2C3D4"};
  contact.channels = {{"Signal", "+962791234567"}, {"Threema", "ABCD1234"}};
  contact.deputy_id = "0190a0b0-0000-7000-8000-00000000a002";
  return entry;
}

DirectoryEntry structure() {
  DirectoryEntry entry;
  entry.id = "0190a0b0-0000-7000-8000-00000000e001";
  entry.state = "EG";
  entry.kind = EntryKind::structure;
  entry.level = Level::structure;
  entry.version.recorded_at = "2025-02-10T12:00:00Z";
  auto& contact = entry.version.contact;
  contact.name = "Egyptian Computer Emergency Readiness Team";
  contact.short_name = "EG-CERT";
  contact.structure_type = liaison::domain::StructureType::csirt;
  contact.constituency = "Government, critical information infrastructure; the ICT sector";
  contact.website = "https://www.egcert.eg/";
  contact.functional_email = "incident@egcert.eg";
  contact.phones = {{"+20235341900", "", true}};
  contact.languages = {"ar", "en"};
  contact.time_zone = "Africa/Cairo";
  contact.around_the_clock = true;
  return entry;
}

// Long Chinese text everywhere, so that most lines fold, and multi-byte characters land on the
// fold point.
DirectoryEntry chinese_poc() {
  DirectoryEntry entry;
  entry.id = "0190a0b0-0000-7000-8000-00000000c001";
  entry.state = "CN";
  entry.kind = EntryKind::poc;
  entry.level = Level::technical;
  entry.version.recorded_at = "2025-01-20T03:04:05.000001Z";
  auto& contact = entry.version.contact;
  contact.name = "国家计算机网络应急技术处理协调中心网络安全事件值班联络人员（技术层面）";
  contact.institution = "中华人民共和国工业和信息化部网络安全管理局，网络与数据安全处";
  contact.position = "网络安全事件应急响应与国际合作协调处处长；技术联络人";
  contact.functional_email = "duty@cert.org.cn";
  contact.phones = {{"+861082990999", "值班电话（工作日）", false},
                    {"+861082991000", "二十四小时应急值班电话", true}};
  contact.languages = {"zh-Hans", "en", "ru"};
  contact.time_zone = "Asia/Shanghai";
  contact.hours =
      "星期一至星期五，北京时间上午八点三十分至下午五点三十分，法定节假日除外；紧急情况请拨打二十四"
      "小时值班电话";
  contact.openpgp = liaison::domain::OpenPgpKey{
      "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBF…\n-----END PGP PUBLIC KEY BLOCK-----\n", ""};
  contact.channels = {{"安全视频会议系统", "会议室编号 8899，口令另行通知"}};
  return entry;
}

struct Sample {
  DirectoryEntry entry;
  std::string_view state_name;
  std::string_view organisation_name;
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> arguments(argv, argv + argc);
  std::vector<Sample> samples{{arabic_poc(), "الأردن", "UN"},
                              {structure(), "مصر", "UN"},
                              {chinese_poc(), "中国", "OSCE, UN"}};
  if (arguments.size() == 2 && arguments[1] == "vcf") {
    std::vector<liaison::domain::VcardInput> inputs;
    inputs.reserve(samples.size());
    for (const auto& each : samples)
      inputs.push_back({each.entry, each.state_name, each.organisation_name});
    std::cout << liaison::domain::vcards(inputs);
    return 0;
  }
  if (arguments.size() == 2 && arguments[1] == "json") {
    boost::json::array entries;
    for (const auto& each : samples) {
      const auto& contact = each.entry.version.contact;
      boost::json::array numbers;
      for (const auto& phone : contact.phones)
        numbers.emplace_back(phone.number);
      entries.push_back(boost::json::object{
          {"id", each.entry.id},
          {"name", contact.name},
          {"functional_email", contact.functional_email},
          {"personal_email", contact.personal_email},
          {"phones", numbers},
          {"openpgp_key", contact.openpgp ? contact.openpgp->armored : std::string()},
      });
    }
    std::cout << boost::json::serialize(entries) << '\n';
    return 0;
  }
  std::cerr << "usage: vcard_sample vcf|json\n";
  return 2;
}
