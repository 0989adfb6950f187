# Script mode: cmake -DBIN=path/to/edgeguard -DOUT=dir -P CliDocs.cmake
# Writes the man page and the shell completion scripts, rendered by the binary from its own
# command-line definitions, under OUT in the layout they are installed in (share/...).
function(render out)
  get_filename_component(dir "${out}" DIRECTORY)
  file(MAKE_DIRECTORY "${dir}")
  execute_process(COMMAND "${BIN}" ${ARGN} OUTPUT_FILE "${out}.tmp" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    file(REMOVE "${out}.tmp")
    message(FATAL_ERROR "${BIN} ${ARGN} failed (${rc})")
  endif()
  file(RENAME "${out}.tmp" "${out}")
endfunction()
render("${OUT}/man/man1/edgeguard.1" manpage)
render("${OUT}/bash-completion/completions/edgeguard" completion bash)
render("${OUT}/zsh/site-functions/_edgeguard" completion zsh)
render("${OUT}/fish/vendor_completions.d/edgeguard.fish" completion fish)
