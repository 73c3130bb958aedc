// A minimal SVG document builder for the `qedge bench --plot` charts: shapes and escaped text, nothing else.
#pragma once

#include <sstream>
#include <string>

namespace qedge::cli::bench {

class Svg {
 public:
  Svg(int width, int height, const std::string& title);
  void rect(double x, double y, double w, double h, const std::string& fill, const std::string& tooltip = "");
  void line(double x1, double y1, double x2, double y2, const std::string& stroke, double width = 1);
  void circle(double cx, double cy, double r, const std::string& fill, const std::string& tooltip = "");
  // anchor: "start" | "middle" | "end"
  void text(double x, double y, const std::string& s, const char* anchor = "start", int size = 12);
  std::string str() const;

 private:
  std::ostringstream body_;
  int width_, height_;
};

std::string xml_escape(const std::string& s);
// A distinct colour for series `i`.
const char* palette(size_t i);

}  // namespace qedge::cli::bench
