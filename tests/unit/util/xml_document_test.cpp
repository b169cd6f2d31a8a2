#include <gtest/gtest.h>

#include "util/encoding.hpp"
#include "util/xml_document.hpp"

namespace lcd {
namespace {

TEST(XmlDocument, ParsesDeclarationNamespacesAttributesAndText) {
  auto doc = parse_xml(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\" xmlns:s3=\"urn:other\">"
      "<Name>bkt</Name><s3:Key a='1' s3:b=\"two\">x/y z</s3:Key><Empty/>"
      "<Plain xmlns=\"\">p</Plain></ListBucketResult>\n");
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ(doc->name, "ListBucketResult");
  EXPECT_EQ(doc->ns, "http://s3.amazonaws.com/doc/2006-03-01/");
  EXPECT_TRUE(doc->attributes.empty()) << "namespace declarations are not attributes";
  EXPECT_EQ(doc->child_text("Name"), "bkt");
  EXPECT_EQ(doc->child("Name")->ns, "http://s3.amazonaws.com/doc/2006-03-01/") << "default namespace inherited";
  const XmlElement* key = doc->child("Key");
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(key->ns, "urn:other");
  EXPECT_EQ(key->text, "x/y z");
  ASSERT_EQ(key->attributes.size(), 2u);
  EXPECT_EQ(key->attributes[0].first, "a");
  EXPECT_EQ(key->attributes[1].first, "b") << "prefixed attribute by its local name";
  EXPECT_EQ(key->attribute("b"), "two");
  EXPECT_EQ(key->attribute("missing"), "");
  ASSERT_NE(doc->child("Empty"), nullptr);
  EXPECT_EQ(doc->child_text("Empty"), "");
  EXPECT_EQ(doc->child("Plain")->ns, "") << "xmlns=\"\" undeclares the default namespace";
  EXPECT_EQ(doc->child("Missing"), nullptr);
  EXPECT_EQ(doc->child_text("Missing"), "");
}

TEST(XmlDocument, EntitiesInAttributesAndCdataKeptVerbatim) {
  auto doc = parse_xml("<r k=\"&lt;&amp;&#x41;&quot;\"><![CDATA[&amp; is not decoded here]]>&amp;<x/>tail</r>");
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ(doc->attribute("k"), "<&A\"");
  EXPECT_EQ(doc->text, "&amp; is not decoded here&tail");
}

TEST(XmlDocument, ErrorsNameLineAndColumn) {
  auto doc = parse_xml("<a>\n  <b></c>\n</a>");
  ASSERT_FALSE(doc);
  EXPECT_NE(doc.error().message.find("line 2"), std::string::npos) << doc.error().message;
}

TEST(XmlDocument, RefusesDoctypeSoNoEntityExpansion) {
  std::string laughs =
      "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
      "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]><lolz>&lol2;</lolz>";
  auto doc = parse_xml(laughs);
  ASSERT_FALSE(doc);
  EXPECT_NE(doc.error().message.find("DOCTYPE"), std::string::npos) << doc.error().message;
  EXPECT_FALSE(parse_xml("<!DOCTYPE a SYSTEM \"file:///etc/passwd\"><a/>"));
}

TEST(XmlDocument, DecodesEntitiesCharacterReferencesAndCdata) {
  auto doc = parse_xml("<a>&lt;b&gt; &amp; &quot;q&quot; &apos;s&apos; &#65;&#x42;&#xe9;&#x1F600; <![CDATA[<raw&>]]></a>");
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ(doc->text, "<b> & \"q\" 's' AB\xC3\xA9\xF0\x9F\x98\x80 <raw&>");
}

TEST(XmlDocument, SkipsCommentsAndKeepsDocumentOrder) {
  auto doc = parse_xml("<!-- c --><r><!-- inside --><m>1</m><n>2</n><m>3</m></r><!-- after -->");
  ASSERT_TRUE(doc) << doc.error().message;
  auto ms = doc->children_named("m");
  ASSERT_EQ(ms.size(), 2u);
  EXPECT_EQ(ms[0]->text, "1");
  EXPECT_EQ(ms[1]->text, "3");
  ASSERT_EQ(doc->children.size(), 3u);
  EXPECT_EQ(doc->children[1].name, "n");
}

TEST(XmlDocument, QueryProtocolMembersAndPaths) {
  auto doc = parse_xml(
      "<DescribeStacksResponse><DescribeStacksResult><Stacks><member><StackName>a</StackName></member>"
      "<member><StackName>b</StackName></member></Stacks></DescribeStacksResult></DescribeStacksResponse>");
  ASSERT_TRUE(doc);
  const XmlElement* result = doc->find({"DescribeStacksResult"});
  ASSERT_NE(result, nullptr);
  auto members = result->members("Stacks");
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[1]->child_text("StackName"), "b");
  EXPECT_TRUE(result->members("Nothing").empty());
  EXPECT_EQ(doc->find({"DescribeStacksResult", "Nope"}), nullptr);
}

TEST(XmlDocument, RejectsMalformedDocuments) {
  const char* bad[] = {
      "",
      "just text",
      "<a>",
      "<a></b>",
      "<a><b></a></b>",
      "<a>&unknown;</a>",
      "<a>&#xZZ;</a>",
      "<a>&#0;</a>",
      "<a>&amp</a>",
      "<a x=1></a>",
      "<a x=\"1></a>",
      "<a></a><b></b>",
      "<a></a>trailing",
      "<!DOCTYPE a [<!ENTITY e \"boom\">]><a>&e;</a>",
      "<a><![CDATA[unterminated</a>",
      "<a><!-- unterminated </a>",
  };
  for (const char* text : bad) {
    auto doc = parse_xml(text);
    EXPECT_FALSE(doc) << "accepted: " << text;
    if (!doc) {
      EXPECT_EQ(doc.error().kind, ErrorKind::invalid);
    }
  }
}

TEST(XmlDocument, BoundsNestingDepth) {
  std::string deep;
  for (int i = 0; i < k_xml_max_depth + 1; ++i) deep += "<a>";
  for (int i = 0; i < k_xml_max_depth + 1; ++i) deep += "</a>";
  auto doc = parse_xml(deep);
  ASSERT_FALSE(doc);
  EXPECT_NE(doc.error().message.find("deeper"), std::string::npos);

  std::string ok;
  for (int i = 0; i < k_xml_max_depth; ++i) ok += "<a>";
  for (int i = 0; i < k_xml_max_depth; ++i) ok += "</a>";
  EXPECT_TRUE(parse_xml(ok));
}

TEST(XmlDocument, EscapeRoundTrips) {
  const std::string raw = "a<b>&\"c'";
  EXPECT_EQ(xml_escape(raw), "a&lt;b&gt;&amp;&quot;c&apos;");
  auto doc = parse_xml("<v>" + xml_escape(raw) + "</v>");
  ASSERT_TRUE(doc);
  EXPECT_EQ(doc->text, raw);
}

}  // namespace
}  // namespace lcd
