# Writes fresh .npy files with NumPy (write_npy_fixtures.py), then runs the reader test on them.
# -DPYTHON=... -DSCRIPT=... -DOUT=... -DTEST=<kld_report_tests>
execute_process(COMMAND ${PYTHON} ${SCRIPT} ${OUT} RESULT_VARIABLE status)
if(NOT status EQUAL 0)
    message(FATAL_ERROR "${SCRIPT} failed (${status})")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E env KLD_REPORT_NPY_DIR=${OUT} ${TEST} "[numpy]" RESULT_VARIABLE status)
if(NOT status EQUAL 0)
    message(FATAL_ERROR "the .npy reader test failed on NumPy's files (${status})")
endif()
