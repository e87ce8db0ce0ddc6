package catalog

// ConnColor is the colour of one connection in an output that draws
// several: Line for its arrows, Text for its words on white. 0xRRGGBB.
type ConnColor struct{ Line, Text uint32 }

// ConnColors colour the connections of a drawing of several, in the order
// of their first segment, in every output (the diagram, its page,
// PlantUML, Mermaid): the Okabe–Ito palette, readable with colour
// blindness, the first the blue a drawing of one connection gives data,
// each with a darker shade for text. A ninth connection takes the first
// colour again; the legend tells them apart.
var ConnColors = [...]ConnColor{
	{0x0072B2, 0x005A8C}, // blue
	{0xD55E00, 0xB34700}, // vermillion
	{0x009E73, 0x007556}, // bluish green
	{0xCC79A7, 0xA3457C}, // reddish purple
	{0xE69F00, 0xA86E00}, // orange
	{0x56B4E9, 0x2F7FAF}, // sky blue
	{0x000000, 0x000000}, // black
	{0xC9B800, 0x7A7000}, // yellow, darkened to be seen on white
}

// ConnColorOf returns the colour of the k-th connection (from 0).
func ConnColorOf(k int) ConnColor { return ConnColors[k%len(ConnColors)] }
