#include "bench/svg.h"

namespace qedge::cli::bench {
namespace {

std::string tooltip_element(const std::string& tooltip) {
  return tooltip.empty() ? "" : "<title>" + xml_escape(tooltip) + "</title>";
}

}  // namespace

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

const char* palette(size_t i) {
  static const char* const kColours[] = {"#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3",
                                         "#937860", "#da8bc3", "#8c8c8c", "#ccb974", "#64b5cd"};
  return kColours[i % (sizeof kColours / sizeof kColours[0])];
}

Svg::Svg(int width, int height, const std::string& title) : width_(width), height_(height) {
  body_ << "<title>" << xml_escape(title) << "</title>\n"
        << "<rect x=\"0\" y=\"0\" width=\"" << width << "\" height=\"" << height << "\" fill=\"white\"/>\n";
  text(width / 2.0, 22, title, "middle", 15);
}

void Svg::rect(double x, double y, double w, double h, const std::string& fill, const std::string& tooltip) {
  body_ << "<rect x=\"" << x << "\" y=\"" << y << "\" width=\"" << w << "\" height=\"" << h << "\" fill=\"" << fill
        << "\">" << tooltip_element(tooltip) << "</rect>\n";
}

void Svg::line(double x1, double y1, double x2, double y2, const std::string& stroke, double width) {
  body_ << "<line x1=\"" << x1 << "\" y1=\"" << y1 << "\" x2=\"" << x2 << "\" y2=\"" << y2 << "\" stroke=\"" << stroke
        << "\" stroke-width=\"" << width << "\"/>\n";
}

void Svg::circle(double cx, double cy, double r, const std::string& fill, const std::string& tooltip) {
  body_ << "<circle cx=\"" << cx << "\" cy=\"" << cy << "\" r=\"" << r << "\" fill=\"" << fill << "\">"
        << tooltip_element(tooltip) << "</circle>\n";
}

void Svg::text(double x, double y, const std::string& s, const char* anchor, int size) {
  body_ << "<text x=\"" << x << "\" y=\"" << y << "\" font-family=\"sans-serif\" font-size=\"" << size
        << "\" text-anchor=\"" << anchor << "\">" << xml_escape(s) << "</text>\n";
}

std::string Svg::str() const {
  std::ostringstream doc;
  doc << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width_ << "\" height=\"" << height_
      << "\" viewBox=\"0 0 " << width_ << " " << height_ << "\">\n"
      << body_.str() << "</svg>\n";
  return doc.str();
}

}  // namespace qedge::cli::bench
