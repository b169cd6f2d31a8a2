#pragma once
// Internal to lcd_local_cloudformation: the XML members CloudFormation's query responses carry
// (aws-api-notes §8.1): Stack, StackEvent, StackResource(Summary/Detail), ChangeSet and its
// Changes, ChangeSetSummary. Pure.

#include <string>
#include <vector>

#include "local/cloudformation/stack_state.hpp"
#include "local/protocol/xml_writer.hpp"

namespace lcd::local::cloudformation {

// <member> of DescribeStacks' Stacks.
void write_stack(XmlWriter& x, const Stack& stack);
// <member> of DescribeStackEvents' StackEvents.
void write_event(XmlWriter& x, const Stack& stack, const StackEvent& event);
// <member> of ListStacks' StackSummaries.
void write_stack_summary(XmlWriter& x, const Stack& stack);

enum class ResourceShape { resource, summary, detail };  // DescribeStackResources / ListStackResources / DescribeStackResource
void write_resource(XmlWriter& x, const Stack& stack, const StackResourceRecord& resource, ResourceShape shape);

// The body of DescribeChangeSet's result (without NextToken).
void write_change_set(XmlWriter& x, const ChangeSet& change_set);
// <member> of ListChangeSets' Summaries.
void write_change_set_summary(XmlWriter& x, const ChangeSet& change_set);

// <Parameters> with NoEcho values masked.
void write_parameters(XmlWriter& x, const std::vector<std::pair<std::string, std::string>>& parameters,
                      const std::vector<std::string>& no_echo);

}  // namespace lcd::local::cloudformation
