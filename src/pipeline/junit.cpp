#include "pipeline/junit.hpp"

#include <cstdio>

namespace lcd::pipeline {


std::string junit_xml(const CommandTestCase& t) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.3f", static_cast<double>(t.duration.count()) / 1000.0);
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += "<testsuites tests=\"1\" failures=\"" + std::string(t.passed ? "0" : "1") + "\" time=\"" + seconds + "\">\n";
  xml += "  <testsuite name=\"" + xml_escape(t.suite) + "\" tests=\"1\" failures=\"" + (t.passed ? "0" : "1") +
         "\" errors=\"0\" time=\"" + seconds + "\">\n";
  xml += "    <testcase classname=\"" + xml_escape(t.suite) + "\" name=\"" + xml_escape(t.name) + "\" time=\"" +
         seconds + "\">\n";
  if (!t.passed) xml += "      <failure message=\"" + xml_escape(t.failure) + "\"/>\n";
  xml += "      <system-out>" + xml_escape(t.output) + "</system-out>\n";
  xml += "    </testcase>\n  </testsuite>\n</testsuites>\n";
  return xml;
}

}  // namespace lcd::pipeline
