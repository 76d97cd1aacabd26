// The has_many_through test schema, after LoopBack's hasManyThrough
// documentation: patients see doctors through appointments.
//
//   Patient --appointments (cascade)--> Appointment <--appointments (restrict)-- Doctor
//   Patient --doctors (has_many_through Appointment)--> Doctor
//   Doctor --patients (has_many_through Appointment)--> Patient
//   Ward --visits (cascade)--> Visit <--visits (cascade)-- Nurse;
//   Ward --nurses (has_many_through Visit, repeated links allowed)--> Nurse
#pragma once

#include <relstore/relstore.hpp>

#include <cstdint>
#include <string>

namespace clinic {

struct Patient {
  std::int64_t id = 0;
  std::string name;
  friend bool operator==(const Patient&, const Patient&) = default;
};
RELSTORE_MODEL(Patient, id, name)

struct Doctor {
  std::int64_t id = 0;
  std::string name;
  std::int64_t rank = 0;
  friend bool operator==(const Doctor&, const Doctor&) = default;
};
RELSTORE_MODEL(Doctor, id, name, rank)

struct Appointment {
  std::int64_t id = 0;
  std::int64_t patientId = 0;
  std::int64_t doctorId = 0;
  std::string day;
  friend bool operator==(const Appointment&, const Appointment&) = default;
};
RELSTORE_MODEL(Appointment, id, patientId, doctorId, day)

struct Ward {
  std::int64_t id = 0;
  std::string name;
  friend bool operator==(const Ward&, const Ward&) = default;
};
RELSTORE_MODEL(Ward, id, name)

struct Nurse {
  std::int64_t id = 0;
  std::string name;
  friend bool operator==(const Nurse&, const Nurse&) = default;
};
RELSTORE_MODEL(Nurse, id, name)

struct Visit {
  std::int64_t id = 0;
  std::int64_t wardId = 0;
  std::int64_t nurseId = 0;
  friend bool operator==(const Visit&, const Visit&) = default;
};
RELSTORE_MODEL(Visit, id, wardId, nurseId)

using schema = relstore::schema<relstore::models<Patient, Doctor, Appointment, Ward, Nurse, Visit>,
                                relstore::has_many<"appointments", Patient, Appointment, relstore::on_delete::cascade>,
                                relstore::has_many<"appointments", Doctor, Appointment, relstore::on_delete::restrict>,
                                relstore::has_many_through<"doctors", Patient, Doctor, Appointment>,
                                relstore::has_many_through<"patients", Doctor, Patient, Appointment>,
                                relstore::has_many<"visits", Ward, Visit, relstore::on_delete::cascade>,
                                relstore::has_many<"visits", Nurse, Visit, relstore::on_delete::cascade>,
                                relstore::has_many_through<"nurses", Ward, Nurse, Visit, relstore::repeated_links>>;
RELSTORE_SCHEMA(schema)
using store = relstore::store<schema>;

}  // namespace clinic

// Compiled once, in clinic_schema.cpp and clinic_tables.cpp, instead of in
// each test file.
RELSTORE_EXTERN_TABLES(clinic::schema, clinic::Patient, clinic::Doctor, clinic::Appointment, clinic::Ward,
                       clinic::Nurse, clinic::Visit)
RELSTORE_EXTERN_MODELS(clinic::Patient, clinic::Doctor, clinic::Appointment, clinic::Ward, clinic::Nurse, clinic::Visit)
