# ctest driver of the MPI example: writes the input with kl_pairs_tool, runs the single-process
# estimate and `mpirun -np RANKS mpi_kl_estimates`, and fails unless the outputs are identical.
# Variables: TOOL, MPI_PROGRAM, MPIEXEC, RANKS, WORK.
set(input ${WORK}/pairs-${RANKS}.bin)
execute_process(COMMAND ${TOOL} write ${input} 300001 15 RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "kl_pairs_tool write failed: ${rc}")
endif()
execute_process(COMMAND ${TOOL} estimate ${input} OUTPUT_VARIABLE single RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "kl_pairs_tool estimate failed: ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E env OMP_NUM_THREADS=1 ${MPIEXEC} --allow-run-as-root --oversubscribe -np ${RANKS} ${MPI_PROGRAM} ${input}
                OUTPUT_VARIABLE distributed ERROR_VARIABLE errors RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "mpirun -np ${RANKS} failed (${rc}):\n${errors}")
endif()
message(STATUS "single process:\n${single}")
message(STATUS "mpirun -np ${RANKS}:\n${distributed}")
if(NOT single STREQUAL distributed)
    message(FATAL_ERROR "mpirun -np ${RANKS} differs from the single-process run")
endif()
