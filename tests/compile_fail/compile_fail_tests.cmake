# Each file must fail to compile with the named static_assert; the control
# must compile. ctest builds them on demand.
set(_cf_dir ${CMAKE_CURRENT_SOURCE_DIR}/compile_fail)
function(relstore_compile_test name regex)
  add_library(cf_${name} OBJECT EXCLUDE_FROM_ALL ${_cf_dir}/${name}.cpp)
  target_link_libraries(cf_${name} PRIVATE relstore::relstore)
  add_test(NAME compile_fail.${name}
           COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target cf_${name})
  if(regex)
    set_tests_properties(compile_fail.${name} PROPERTIES PASS_REGULAR_EXPRESSION "${regex}")
  endif()
  set_tests_properties(compile_fail.${name} PROPERTIES RESOURCE_LOCK compile_fail TIMEOUT 300)
endfunction()
relstore_compile_test(control_ok "")
relstore_compile_test(missing_foreign_key "missing definition of foreign key")
relstore_compile_test(set_null_needs_optional "set_null needs an std::optional foreign key")
relstore_compile_test(key_type_mismatch "must be the parent key's type")
relstore_compile_test(patch_wrong_type "does not match the field's type")
relstore_compile_test(relation_shadows_field "must not be a field of the parent")
