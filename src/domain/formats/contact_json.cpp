#include "domain/formats/contact_json.h"

#include <algorithm>
#include <string>
#include <string_view>

#include <boost/json/array.hpp>

namespace liaison::domain {
namespace {

boost::json::array phones_to_json(const std::vector<Phone>& phones) {
  boost::json::array array;
  for (const auto& phone : phones)
    array.push_back(boost::json::object{{"number", phone.number},
                                        {"label", phone.label},
                                        {"around_the_clock", phone.around_the_clock}});
  return array;
}

class Reader {
 public:
  explicit Reader(std::vector<FieldProblem>& problems) : problems_(problems) {}

  void string(const boost::json::object& object, std::string_view key, std::string_view field,
              std::string& out) {
    const auto* value = object.if_contains(key);
    if (value == nullptr || value->is_null()) return;
    if (const auto* text = value->if_string()) {
      out.assign(text->data(), text->size());
    } else {
      problem(field, "must be a string");
    }
  }
  void boolean(const boost::json::object& object, std::string_view key, std::string_view field,
               bool& out) {
    const auto* value = object.if_contains(key);
    if (value == nullptr || value->is_null()) return;
    if (const auto* flag = value->if_bool()) {
      out = *flag;
    } else {
      problem(field, "must be true or false");
    }
  }
  const boost::json::array* array(const boost::json::object& object, std::string_view key) {
    const auto* value = object.if_contains(key);
    if (value == nullptr || value->is_null()) return nullptr;
    if (const auto* list = value->if_array()) return list;
    problem(key, "must be a list");
    return nullptr;
  }
  void problem(std::string_view field, std::string message) {
    problems_.push_back({std::string(field), std::move(message)});
  }

 private:
  std::vector<FieldProblem>& problems_;
};

constexpr std::string_view kKeys[] = {"name",
                                      "short_name",
                                      "structure_type",
                                      "institution",
                                      "position",
                                      "constituency",
                                      "website",
                                      "functional_email",
                                      "personal_email",
                                      "phones",
                                      "languages",
                                      "time_zone",
                                      "around_the_clock",
                                      "hours",
                                      "openpgp_key",
                                      "openpgp_fingerprint",
                                      "channels",
                                      "deputy_id"};

}  // namespace

boost::json::object contact_to_json(const Contact& contact) {
  boost::json::array languages;
  for (const auto& language : contact.languages)
    languages.emplace_back(language);
  boost::json::array channels;
  for (const auto& channel : contact.channels)
    channels.push_back(boost::json::object{{"kind", channel.kind}, {"address", channel.address}});
  return boost::json::object{
      {"name", contact.name},
      {"short_name", contact.short_name},
      {"structure_type", structure_type_name(contact.structure_type)},
      {"institution", contact.institution},
      {"position", contact.position},
      {"constituency", contact.constituency},
      {"website", contact.website},
      {"functional_email", contact.functional_email},
      {"personal_email", contact.personal_email},
      {"phones", phones_to_json(contact.phones)},
      {"languages", std::move(languages)},
      {"time_zone", contact.time_zone},
      {"around_the_clock", contact.around_the_clock},
      {"hours", contact.hours},
      {"openpgp_key", contact.openpgp ? contact.openpgp->armored : std::string()},
      {"openpgp_fingerprint", contact.openpgp ? contact.openpgp->fingerprint : std::string()},
      {"channels", std::move(channels)},
      {"deputy_id", contact.deputy_id},
  };
}

Contact contact_from_json(const boost::json::value& json, std::vector<FieldProblem>& problems) {
  Contact contact;
  Reader read(problems);
  const auto* object = json.if_object();
  if (object == nullptr) {
    read.problem("contact", "must be a JSON object");
    return contact;
  }
  for (const auto& [key, value] : *object) {
    if (std::find(std::begin(kKeys), std::end(kKeys), std::string_view(key)) == std::end(kKeys))
      read.problem(key, "is not a field of a contact");
  }
  read.string(*object, "name", "name", contact.name);
  read.string(*object, "short_name", "short_name", contact.short_name);
  std::string structure_type;
  read.string(*object, "structure_type", "structure_type", structure_type);
  if (!structure_type.empty()) {
    if (auto type = parse_structure_type(structure_type)) {
      contact.structure_type = *type;
    } else {
      read.problem("structure_type", "must be one of csirt, cyber_agency, mfa_desk, other");
    }
  }
  read.string(*object, "institution", "institution", contact.institution);
  read.string(*object, "position", "position", contact.position);
  read.string(*object, "constituency", "constituency", contact.constituency);
  read.string(*object, "website", "website", contact.website);
  read.string(*object, "functional_email", "functional_email", contact.functional_email);
  read.string(*object, "personal_email", "personal_email", contact.personal_email);
  if (const auto* phones = read.array(*object, "phones")) {
    for (std::size_t i = 0; i < phones->size(); ++i) {
      auto field = "phones[" + std::to_string(i) + "]";
      const auto* entry = (*phones)[i].if_object();
      if (entry == nullptr) {
        read.problem(field, "must be an object with number, label and around_the_clock");
        continue;
      }
      Phone phone;
      read.string(*entry, "number", field + ".number", phone.number);
      read.string(*entry, "label", field + ".label", phone.label);
      read.boolean(*entry, "around_the_clock", field + ".around_the_clock", phone.around_the_clock);
      contact.phones.push_back(std::move(phone));
    }
  }
  if (const auto* languages = read.array(*object, "languages")) {
    for (std::size_t i = 0; i < languages->size(); ++i) {
      if (const auto* tag = (*languages)[i].if_string()) {
        contact.languages.emplace_back(tag->data(), tag->size());
      } else {
        read.problem("languages[" + std::to_string(i) + "]", "must be a string");
      }
    }
  }
  read.string(*object, "time_zone", "time_zone", contact.time_zone);
  read.boolean(*object, "around_the_clock", "around_the_clock", contact.around_the_clock);
  read.string(*object, "hours", "hours", contact.hours);
  std::string armored;
  read.string(*object, "openpgp_key", "openpgp_key", armored);
  std::string fingerprint;
  read.string(*object, "openpgp_fingerprint", "openpgp_fingerprint", fingerprint);
  if (!armored.empty()) contact.openpgp = OpenPgpKey{std::move(armored), std::move(fingerprint)};
  if (const auto* channels = read.array(*object, "channels")) {
    for (std::size_t i = 0; i < channels->size(); ++i) {
      auto field = "channels[" + std::to_string(i) + "]";
      const auto* entry = (*channels)[i].if_object();
      if (entry == nullptr) {
        read.problem(field, "must be an object with kind and address");
        continue;
      }
      SecureChannel channel;
      read.string(*entry, "kind", field + ".kind", channel.kind);
      read.string(*entry, "address", field + ".address", channel.address);
      contact.channels.push_back(std::move(channel));
    }
  }
  read.string(*object, "deputy_id", "deputy_id", contact.deputy_id);
  return contact;
}

}  // namespace liaison::domain
