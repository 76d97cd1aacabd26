// violation: one broken integrity rule found in stored data, as verify
// reports it (relstore-snapshot verify, verify_dataset, a refused load).
//
// Vocabulary header: includes only other vocabulary headers.
#pragma once

#include <string>

#include "relstore/error.hpp"

namespace relstore {

struct violation {
  errc code = errc::foreign_key_violation;  // foreign_key_violation, already_exists or invalid_argument (a key
                                            // create refuses: 0 or "")
  std::string model;                        // the model of the offending row
  std::string key;                          // its primary key, rendered
  std::string field;                        // the field at fault
  std::string value;                        // the field's value, rendered
  std::string message;                      // the whole story, e.g. the missing parent
};

}  // namespace relstore
