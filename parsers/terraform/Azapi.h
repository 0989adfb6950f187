// azapi_resource in the ARM shape, shared by the .tf front-end and the plan front-end:
// the kind from `type` ("Microsoft.Devices/IotHubs@2023-06-30"), the envelope (name, location,
// parent_id, tags, identity) from the resource's arguments, and the body's members on top.
#pragma once

#include <string>

#include "linter/graph/Value.h"

namespace eg::terraform {

// "Microsoft.Devices/IotHubs@2023-06-30" -> "Microsoft.Devices/IotHubs"
std::string azapiKind(const std::string& type);

// name, location, parentId, tags and identity (ARM shape) from the evaluated arguments.
Value azapiAttributes(const Value& raw);

// Adds an ARM-shaped body (an object, or JSON text as azapi 1.x takes it) to `attrs`. JSON
// text whose positions cannot be mapped into the file takes the string's provenance.
void mergeAzapiBody(Value& attrs, const Value& body, FileId file);

}  // namespace eg::terraform
