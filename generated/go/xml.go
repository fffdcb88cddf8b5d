package errcat

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

// MaxXMLDepth is the deepest nesting of elements an XML body may have to be
// read; an element opened inside MaxXMLDepth open elements (an empty one
// included) makes the body unreadable.
const MaxXMLDepth = 127

// xmlElement is an element of an XML body: its local name, the text directly
// inside it (character data and CDATA, concatenated) and its child elements.
type xmlElement struct {
	name     string
	text     strings.Builder
	children []*xmlElement
}

// child is the first child element with this local name, in document order.
func (e *xmlElement) child(name string) *xmlElement {
	for _, c := range e.children {
		if c.name == name {
			return c
		}
	}
	return nil
}

var errXMLRefused = errors.New("errcat: XML body refused")

// parseXML reads body (after any byte order mark) as XML and gives its root
// element, or nil when the body is unreadable: over MaxBody bytes, not
// well-formed, with a DOCTYPE or any other <!...> declaration, or nesting
// deeper than MaxXMLDepth. Only the five predefined entities and numeric
// character references are expanded (encoding/xml's Strict mode with an empty
// Entity map) and nothing is ever fetched: encoding/xml resolves no external
// entity. An XML declaration's encoding is ignored: the body is read as UTF-8.
func parseXML(body []byte) *xmlElement {
	if len(body) > MaxBody {
		return nil
	}
	root, err := readXML(body)
	if err != nil {
		return nil
	}
	return root
}

func readXML(body []byte) (*xmlElement, error) {
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = true
	d.Entity = map[string]string{}
	d.CharsetReader = func(_ string, input io.Reader) (io.Reader, error) { return input, nil }
	var stack []*xmlElement
	var root *xmlElement
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.Directive:
			// <!DOCTYPE ...> and any other declaration: no entity can be
			// declared, let alone an external one resolved.
			return nil, errXMLRefused
		case xml.StartElement:
			if len(stack) >= MaxXMLDepth {
				return nil, errXMLRefused
			}
			if len(stack) == 0 && root != nil {
				return nil, errXMLRefused // a second root element
			}
			e := &xmlElement{name: t.Name.Local}
			if len(stack) == 0 {
				root = e
			} else {
				parent := stack[len(stack)-1]
				parent.children = append(parent.children, e)
			}
			stack = append(stack, e)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			} else if len(bytes.Trim(t, " \t\r\n")) > 0 {
				return nil, errXMLRefused // text outside the root element
			}
		}
	}
	if root == nil || len(stack) != 0 {
		return nil, errXMLRefused
	}
	return root, nil
}

// xmlPath splits an XML path such as "/Error/Code" into its element names;
// nil for one that matches nothing (not starting with "/", or with an empty step).
func xmlPath(path string) []string {
	if !strings.HasPrefix(path, "/") {
		return nil
	}
	steps := strings.Split(path[1:], "/")
	for _, s := range steps {
		if s == "" {
			return nil
		}
	}
	return steps
}

// xmlText is the text of the element a path's names reach from the root.
func xmlText(root *xmlElement, steps []string) (string, bool) {
	if root == nil || len(steps) == 0 || steps[0] != root.name {
		return "", false
	}
	at := root
	for _, s := range steps[1:] {
		if at = at.child(s); at == nil {
			return "", false
		}
	}
	return at.text.String(), true
}
