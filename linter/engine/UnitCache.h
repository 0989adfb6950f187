// UnitCache: front-end results kept between scans of one workspace (the language server).
// A unit (a Terraform module directory, a template, a manifest) whose files, its own and those
// it read (module sources, variable files, .env, module.json), all still have the text they had
// when it was loaded is not parsed again: its resources and errors are copied from the cache
// with their file ids moved to the new scan's SourceStore and the secrets the front-end marked
// in them marked again. Thread-safe; units load in parallel.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "linter/core/Finding.h"
#include "linter/core/SourceFile.h"
#include "linter/graph/ResourceGraph.h"

namespace eg {

class UnitCache {
 public:
  // Fills `resources` and `errors` with what the unit `key` produced when its files had their
  // current text (each loaded through `store`), and returns true; false when it is not cached
  // or a file changed (nothing is appended then).
  bool reuse(const std::string& key, SourceStore& store, std::vector<Resource>& resources, std::vector<Error>& errors);
  // Records what the unit `key` produced from the files `depends` (file ids of `store`).
  void put(const std::string& key, const SourceStore& store, const std::vector<const SourceFile*>& depends,
           const std::vector<Resource>& resources, const std::vector<Error>& errors);
  // A scan starts; at its end the units it did not use are dropped.
  void beginScan();
  void endScan();
  void clear();
  size_t size();

 private:
  struct Entry {
    struct File {
      std::string path;
      size_t size = 0;
      size_t hash = 0;
      std::vector<ByteRange> secrets;  // marked by the front-end: marked again on reuse
    };
    std::vector<File> files;          // file id i of `resources` and `errors` is files[i]
    std::vector<Resource> resources;  // file ids are indexes into files
    std::vector<Error> errors;
    bool used = false;
  };
  std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

}  // namespace eg
