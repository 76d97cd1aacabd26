#include "relstore/rest/openapi.hpp"

#include <boost/json.hpp>

#include "relstore/detail/value_ops.hpp"
#include "relstore/rest/paths.hpp"

namespace relstore::rest {

namespace json = boost::json;

namespace {

// Which ends of an integer type's range (detail::integer_range_of) a schema
// states.
enum class bounds { none, minimum, both };

// An integer of `type`: "format" unless null, then its bounds.
json::object integer_of(field_type type, const char* format, bounds b) {
  json::object t{{"type", "integer"}};
  if (format != nullptr) t["format"] = format;
  const detail::integer_range range = *detail::integer_range_of(type);
  if (b != bounds::none) t["minimum"] = range.min;
  if (b == bounds::both) t["maximum"] = range.max;
  return t;
}

json::object type_of(const field_info& f) {
  json::object t;
  if (f.enumeration) {  // shown and accepted by name
    t["type"] = "string";
    json::array names;
    for (const auto& e : f.enumeration->enumerators) names.emplace_back(e.name);
    t["enum"] = std::move(names);
    if (f.nullable) t["nullable"] = true;
    return t;
  }
  switch (f.type) {
    case field_type::int8:
    case field_type::int16:
    case field_type::uint8:
    case field_type::uint16:
      t = integer_of(f.type, "int32", bounds::both);
      break;
    case field_type::uint64:
      t = integer_of(f.type, nullptr, bounds::both);
      break;
    case field_type::float32:
      t["type"] = "number";
      t["format"] = "float";
      break;
    case field_type::boolean:
      t["type"] = "boolean";
      break;
    case field_type::int32:
      t = integer_of(f.type, "int32", bounds::none);
      break;
    case field_type::uint32:  // no maximum stated
      t = integer_of(f.type, "int64", bounds::minimum);
      break;
    case field_type::int64:
      t = integer_of(f.type, "int64", bounds::none);
      break;
    case field_type::float64:
      t["type"] = "number";
      t["format"] = "double";
      break;
    case field_type::string:
      t["type"] = "string";
      break;
    case field_type::array: {  // exactly `extent` elements of the element type
      field_info e;
      e.type = f.element;
      t["type"] = "array";
      t["items"] = type_of(e);
      t["minItems"] = f.extent;
      t["maxItems"] = f.extent;
      break;
    }
  }
  if (f.nullable) t["nullable"] = true;
  return t;
}

json::object ref(const std::string& model) { return {{"$ref", "#/components/schemas/" + model}}; }

json::object array_of(const std::string& model) { return {{"type", "array"}, {"items", ref(model)}}; }

json::object json_content(json::value schema) {
  return {{"application/json", json::object{{"schema", std::move(schema)}}}};
}

json::object reply(const char* what, json::value schema) {
  json::object r{{"description", what}};
  if (!schema.is_null()) r["content"] = json_content(std::move(schema));
  return r;
}

json::object query_param(const char* name, const char* what) {
  return {{"name", name},
          {"in", "query"},
          {"description", what},
          {"content", json_content(json::object{{"type", "object"}})}};
}

json::array where_param() { return json::array{query_param("where", "a LoopBack where")}; }

json::object id_param(const model_info& m) {
  return {{"name", "id"}, {"in", "path"}, {"required", true}, {"schema", type_of(m.fields[m.primary_key])}};
}

json::object body_of(const std::string& model) { return {{"required", true}, {"content", json_content(ref(model))}}; }

json::object operation(const std::string& id, const char* summary, const std::string& tag) {
  return {{"operationId", id}, {"summary", summary}, {"tags", json::array{json::string(tag)}}};
}

// "/" + s, spelled so that GCC 12 sees no overlapping copy (a false
// -Wrestrict on operator+(const char*, std::string&&)).
std::string slash(const std::string& s) {
  std::string out = "/";
  out += s;
  return out;
}

// The responses of a route answering {"count": n}.
json::object count_responses(const char* what) {
  return {
      {"200", reply(what, json::object{{"type", "object"},
                                       {"properties", json::object{{"count", json::object{{"type", "integer"}}}}}})}};
}

// LoopBack's error body.
json::object error_reply() {
  return reply("an error: {\"error\":{\"statusCode\",\"name\",\"message\",\"code\"}}", nullptr);
}

}  // namespace

std::string openapi_document(const registry& reg, std::string_view title, bool snapshot_route, bool snapshot_starts) {
  json::object schemas, paths;
  for (std::size_t m = 0; m < reg.model_count(); ++m) {
    const model_info& info = reg.model(m);
    json::object props;
    json::array required;
    for (const auto& f : info.fields) {
      props[f.name] = type_of(f);
      if (f.required) required.push_back(json::string(f.name));
    }
    json::object schema{
        {"title", info.name}, {"type", "object"}, {"properties", std::move(props)}, {"additionalProperties", false}};
    if (!required.empty()) schema["required"] = std::move(required);
    schemas[info.name] = std::move(schema);

    const std::string base = slash(path_of(info.name));
    const std::string& name = info.name;

    json::object find = operation(name + ".find", "entities matching the filter", name);
    find["parameters"] = json::array{query_param("filter", "a LoopBack filter (JSON or bracket form)")};
    find["responses"] = json::object{{"200", reply("the entities", array_of(name))}, {"400", error_reply()}};
    json::object create = operation(name + ".create", "create an entity", name);
    create["requestBody"] = body_of(name);
    create["responses"] =
        json::object{{"201", reply("the entity created", ref(name))}, {"409", error_reply()}, {"422", error_reply()}};
    json::object update_all = operation(name + ".updateAll", "patch every entity matching the where", name);
    update_all["parameters"] = where_param();
    update_all["requestBody"] = body_of(name);
    update_all["responses"] = count_responses("how many matched");
    paths[base] = json::object{{"get", std::move(find)}, {"post", std::move(create)}, {"patch", std::move(update_all)}};

    json::object count = operation(name + ".count", "count entities matching the where", name);
    count["parameters"] = where_param();
    count["responses"] = count_responses("how many match");
    paths[base + "/count"] = json::object{{"get", std::move(count)}};

    json::object by_id = operation(name + ".findById", "the entity with this id", name);
    by_id["parameters"] = json::array{query_param("filter", "include and fields")};
    by_id["responses"] = json::object{{"200", reply("the entity", ref(name))}, {"404", error_reply()}};
    json::object patch = operation(name + ".updateById", "patch the entity", name);
    patch["requestBody"] = body_of(name);
    patch["responses"] = json::object{{"204", reply("patched", nullptr)}, {"404", error_reply()}};
    json::object put = operation(name + ".replaceById", "replace the entity", name);
    put["requestBody"] = body_of(name);
    put["responses"] = json::object{{"204", reply("replaced", nullptr)}, {"404", error_reply()}};
    json::object del = operation(name + ".deleteById", "delete the entity (on-delete policies apply)", name);
    del["responses"] = json::object{{"204", reply("deleted", nullptr)}, {"409", error_reply()}};
    paths[base + "/{id}"] = json::object{{"parameters", json::array{id_param(info)}},
                                         {"get", std::move(by_id)},
                                         {"patch", std::move(patch)},
                                         {"put", std::move(put)},
                                         {"delete", std::move(del)}};
  }

  for (const relation_info& rel : reg.relations()) {
    const model_info& source = reg.model(rel.source);
    const std::string& target = reg.model(target_of(rel)).name;
    const std::string tag = source.name + "." + rel.name;
    json::object item{{"parameters", json::array{id_param(source)}}};
    const bool parent = rel.kind == relation_kind::belongs_to;
    json::object get = operation(tag + ".get", parent ? "the parent" : "the related entities", tag);
    if (parent) {
      get["responses"] = json::object{{"200", reply("the parent", ref(target))}, {"404", error_reply()}};
      item["get"] = std::move(get);
    } else {
      const bool one = rel.kind == relation_kind::has_one;
      get["parameters"] = json::array{query_param("filter", "a LoopBack filter, ANDed with the relation")};
      get["responses"] = json::object{{"200", reply(one ? "the child" : "the children",
                                                    one ? json::value(ref(target)) : json::value(array_of(target)))},
                                      {"404", error_reply()}};
      json::object create = operation(tag + ".create", "create a child (its foreign key filled in)", tag);
      create["requestBody"] = body_of(target);
      create["responses"] = json::object{
          {"201", reply("the child created", ref(target))}, {"404", error_reply()}, {"422", error_reply()}};
      json::object patch = operation(tag + ".patch", "patch the matching children", tag);
      patch["parameters"] = where_param();
      patch["requestBody"] = body_of(target);
      patch["responses"] = count_responses("how many matched");
      json::object del = operation(tag + ".delete", "delete the matching children", tag);
      del["parameters"] = where_param();
      del["responses"] = count_responses("how many matched");
      item["get"] = std::move(get);
      item["post"] = std::move(create);
      item["patch"] = std::move(patch);
      item["delete"] = std::move(del);
    }
    paths[slash(path_of(source.name)) + "/{id}/" + rel.name] = std::move(item);
  }
  if (snapshot_route) {
    json::object save = operation("snapshot.save", "save the store to its snapshot file", "snapshot");
    save["responses"] =
        snapshot_starts ? json::object{{"202", reply("the path a save was started to (it finishes later)", nullptr)},
                                       {"409", error_reply()}}
                        : json::object{{"200", reply("the path saved", nullptr)}};
    paths["/snapshot"] = json::object{{"post", std::move(save)}};
  }

  json::object doc{{"openapi", "3.0.0"},
                   {"info", json::object{{"title", json::string(title)}, {"version", "1.0.0"}}},
                   {"paths", std::move(paths)},
                   {"components", json::object{{"schemas", std::move(schemas)}}}};
  return json::serialize(doc);
}

}  // namespace relstore::rest
