// router: LoopBack 4's REST routes for every model and relation of a
// backend's registry, as a pure function of (method, target, body) to
// (status, JSON body). No sockets: server.hpp feeds it, tests call it.
//
//   GET    /{models}?filter=            200 [entities]
//   POST   /{models}                    201 entity
//   PATCH  /{models}?where=             200 {"count":n}
//   GET    /{models}/count?where=       200 {"count":n}
//   GET    /{models}/{id}?filter=       200 entity (filter: include, fields)
//   PATCH  /{models}/{id}               204
//   PUT    /{models}/{id}               204 (fields left out take defaults)
//   DELETE /{models}/{id}               204 (on-delete policies apply)
//   GET    /{models}/{id}/{hasMany}?filter=   200 [children]
//   POST   /{models}/{id}/{hasMany}           201 child (foreign key filled in)
//   PATCH  /{models}/{id}/{hasMany}?where=    200 {"count":n}
//   DELETE /{models}/{id}/{hasMany}?where=    200 {"count":n}
//   GET    /{models}/{id}/{belongsTo}         200 parent
//   GET/POST/PATCH/DELETE /{models}/{id}/{hasOne}   as hasMany, GET gives one object
//   GET/POST/PATCH/DELETE /{models}/{id}/{hasManyThrough}   as hasMany; POST links
//   GET    /openapi.json                200 OpenAPI 3 document
//   POST   /snapshot                    200 {"saved":path} (202 {"saving":path}) when router_options::save is set
//
// {models} is path_of(model name) (paths.hpp). A filter or where is JSON
// (?filter={"where":{"total":{"gt":50}}}) or LoopBack's bracket form
// (?filter[where][total][gt]=50&filter[limit]=5: a value that reads as a
// JSON number, true, false or null is one; anything else is a string).
//
// Errors have LoopBack's body, {"error":{"statusCode":404,"name":
// "NotFoundError","message":"...","code":"NOT_FOUND"}}, and status_of's code.
//
// Thread-safety: a router is used by one thread at a time, as its backend.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "relstore/error.hpp"
#include "relstore/rest/backend.hpp"

namespace relstore::rest {

struct request {
  std::string_view method;  // "GET", "POST", ...
  std::string_view target;  // origin form: path and query, percent-encoded
  std::string_view body;
};

struct response {
  unsigned status = 200;
  std::string body;   // JSON; empty for 204
  std::string allow;  // 405 only: the methods the route takes, e.g. "GET, POST"
};

struct router_options {
  // Every write (POST, PATCH, PUT, DELETE) is 403 Forbidden: the route
  // exists and takes the method, the server's policy refuses it (405 would
  // claim the resource never takes it).
  bool read_only = false;
  // POST /snapshot calls it and answers 200 {"saved": <its result>}; unset,
  // the route does not exist. With save_starts set, save only starts a
  // save that finishes later (save_in_background): the answer is then 202
  // {"saving": <its result>}. Its errors: busy is 409, others 500.
  std::function<result<std::string>()> save;
  bool save_starts = false;
  std::string title = "relstore";  // the OpenAPI document's info.title
};

// The HTTP status of a store error: not_found 404; already_exists and
// restrict_violation 409; foreign_key_violation, constraint_violation
// (a changed foreign key) and invalid_argument (an unknown property, a
// value of the wrong type, a missing required field) 422; invalid_filter and
// limit_exceeded 400; key_space_exhausted 409; anything else (I/O, schema,
// snapshot) 500. No user error is a 500.
unsigned status_of(const error& e);
// LoopBack's error name for `status`: 400 "BadRequestError", ...
std::string_view status_name(unsigned status);
// A response with LoopBack's error body. `code` is a stable upper-case
// word: the errc's name for a store error ("FOREIGN_KEY_VIOLATION").
response error_response(unsigned status, std::string_view message, std::string_view code);
// `body`: the request body the failed call read, if any. An
// invalid_argument is then 400 when the body is no JSON object (malformed
// text, an array), whatever the message says; otherwise status_of(e).
response error_response(const error& e, std::string_view body = {});

class router {
 public:
  // Builds the route table from b's registry. REQUIRES: b outlives the
  // router.
  explicit router(backend& b, router_options options = {});

  // The response to `r`. A std::exception from the backend other than
  // std::bad_alloc (a bug) is a 500 INTERNAL_ERROR naming it, and the next
  // request is served as usual: one request cannot stop the program.
  response handle(const request& r);

  // The OpenAPI 3 document served at /openapi.json.
  const std::string& openapi() const noexcept { return openapi_; }

 private:
  struct parsed;
  response dispatch(const request& r);
  response model_route(const parsed& p, std::size_t model);
  response item_route(const parsed& p, std::size_t model, const value& id);
  response relation_route(const parsed& p, const value& id, std::size_t relation);

  backend* backend_;
  router_options options_;
  std::unordered_map<std::string, std::size_t> models_;  // path -> model index
  std::string openapi_;
};

}  // namespace relstore::rest
