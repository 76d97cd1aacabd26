# Compile-fail tests: each file in tests/compile_fail must fail to compile with
# its intended relstore static_assert, and control_ok.cpp must compile (so a
# broken harness or library cannot make every test "pass"). Included from
# tests/CMakeLists.txt, so CMAKE_CURRENT_SOURCE_DIR is tests/.
#
# Each file is an EXCLUDE_FROM_ALL object library that ctest builds on demand.
# The failing ones use PASS_REGULAR_EXPRESSION on a distinctive part of the
# static_assert message: ctest then ignores the build's exit code and passes
# only if that message was printed, i.e. the build failed for the right reason.
set(_relstore_cf_dir ${CMAKE_CURRENT_SOURCE_DIR}/compile_fail)

# A compile test proves what the compiler accepts, not what it generates:
# -O0 (after the build type's flags, so it wins) spares CI the optimiser:
# control_ok compiles in 8 s instead of 35 s at -O3.
function(relstore_compile_target name)
  add_library(cf_${name} OBJECT EXCLUDE_FROM_ALL ${_relstore_cf_dir}/${name}.cpp)
  target_link_libraries(cf_${name} PRIVATE relstore::relstore)
  target_compile_options(cf_${name} PRIVATE -O0)
endfunction()

function(relstore_compile_test name)
  relstore_compile_target(${name})
  add_test(NAME compile_fail.${name}
           COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target cf_${name})
  # Builds share the build directory's lock: run them one at a time.
  set_tests_properties(compile_fail.${name} PROPERTIES RESOURCE_LOCK relstore_compile_fail TIMEOUT 300
                                                       LABELS compile_fail)
endfunction()

# relstore_compile_fail(name regex): must not compile, and its first error
# must match regex.
function(relstore_compile_fail name regex)
  relstore_compile_target(${name})
  add_test(NAME compile_fail.${name}
           COMMAND ${CMAKE_COMMAND} -DBUILD_DIR=${CMAKE_BINARY_DIR} -DTARGET=cf_${name} -DEXPECT=${regex}
                   -P ${_relstore_cf_dir}/first_error.cmake)
  set_tests_properties(compile_fail.${name} PROPERTIES RESOURCE_LOCK relstore_compile_fail TIMEOUT 300
                                                       LABELS compile_fail)
endfunction()

relstore_compile_test(control_ok)
relstore_compile_fail(missing_foreign_key "missing definition of foreign key")
relstore_compile_fail(set_null_needs_optional "set_null needs an std::optional foreign key")
relstore_compile_fail(key_type_mismatch "foreign key's type must be the parent key's type")
relstore_compile_fail(patch_wrong_type "value's type does not match the field's type")
relstore_compile_fail(patch_optional_into_required "only an std::optional field can be set to null or to an std::optional")
relstore_compile_fail(update_each_key_field "cannot write a primary key, a foreign key or an indexed field")
relstore_compile_fail(relation_shadows_field "relation name must not be a field of the parent")
relstore_compile_fail(inverse_shadows_field "name must not be a field of the child")
relstore_compile_fail(through_keys_same_field "both ends of a has_many_through use the same field")
relstore_compile_fail(undescribed_model "the model is not described")
relstore_compile_fail(unsupported_field_type "unsupported field type")
relstore_compile_fail(hashed_index_on_double "cannot be on a floating-point field")
relstore_compile_fail(required_unknown_field "requires a field the model does not have")
relstore_compile_fail(generated_string_key "generated_key needs an int64 primary key")
relstore_compile_fail(unknown_related_name "no has_many, has_one or has_many_through relation of this model has that name")
relstore_compile_fail(unknown_include_name "the model has no relation of that name")
relstore_compile_fail(unknown_many_name "the model has no relation of that name")
relstore_compile_fail(include_without_schema "declare it with RELSTORE_SCHEMA")
relstore_compile_fail(read_only_repository_write "this repository is read-only")
relstore_compile_fail(has_one_as_many "that relation is a belongs_to or a has_one")
relstore_compile_fail(array_field_too_long "an array field is std::array<T, N> with T a number type")
relstore_compile_fail(array_field_key "a primary key is std::int64_t or std::string")
relstore_compile_fail(array_field_foreign_key "foreign key's type must be the parent key's type")
relstore_compile_fail(array_field_index "an array field cannot be indexed")
relstore_compile_fail(array_field_ordered_filter "an array field takes ==, !=, inq and nin only")
relstore_compile_fail(array_patch_wrong_length "value's type does not match the field's type")
relstore_compile_fail(patch_constant_out_of_range "relstore_constant_does_not_fit_the_field")
relstore_compile_fail(patch_fraction_into_integer "a floating-point number for an integer field does not compile")
relstore_compile_fail(ordered_both_directions "a field has one ordered index, ordered or ordered_desc")
relstore_compile_fail(patch_narrowing_variable "'level' is not a constant expression|‘level’ is not a constant expression")
