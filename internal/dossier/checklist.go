package dossier

import (
	"fmt"
	"strings"

	"github.com/motcua/motcua/internal/apperr"
	"github.com/motcua/motcua/internal/catalog"
	"github.com/motcua/motcua/internal/vn"
)

// ReceivedDocument is one line of the reception checklist of a counter
// dossier: a document of the procedure's published list, whether the desk
// received it on paper and how many originals and copies, and the
// officer's note (why a required document was not received, or anything
// about one that was).
type ReceivedDocument struct {
	Key       string `json:"key"`
	Name      string `json:"name,omitempty"`
	Received  bool   `json:"received"`
	Originals int    `json:"originals"`
	Copies    int    `json:"copies"`
	Note      string `json:"note,omitempty"`
}

// ReceiveData: receive at the counter, the reception checklist, one line
// per document of the version in its published order. It is stored in the
// reception event, so it belongs to the dossier's hash-chained history.
type ReceiveData struct {
	Documents []ReceivedDocument `json:"documents"`
	// Sources: where the form values the desk kept as filled came from
	// (a population lookup at the counter); absent in older rows.
	Sources map[string]Origin `json:"sources,omitempty"`
}

func (ReceiveData) eventData() {}

// Bounds of a checklist line.
const (
	maxDocNote    = 500 // characters of a note
	maxDocCopies  = 99  // originals or copies of one document
	maxChecklists = 100 // lines sent, far above any published list
)

// ReceivedDocuments returns the reception checklist recorded when the
// dossier was received at the counter, and false for a dossier received
// without one (online, or received before checklists were kept).
func (d *Dossier) ReceivedDocuments() ([]ReceivedDocument, bool) {
	for _, ev := range d.Events {
		if ev.Action != ActReceive {
			continue
		}
		if data, ok := ev.Data.(ReceiveData); ok {
			return data.Documents, true
		}
	}
	return nil, false
}

// checklist checks the reception checklist of a counter dossier against
// the version's published documents and returns it complete: one line per
// document, in the published order, with the catalogue's name. The rule of
// the one-stop decrees is that the desk receives a complete dossier, so a
// required document must be ticked as received or carry the officer's note
// saying why it is received without it; a scan may be attached only for a
// document ticked as received (one cannot scan a paper one did not get).
// A received document without counts takes the catalogue's originals and
// copies. Papers shown at the desk (catalog.Document.Present) and the
// declaration are lines like the others: the desk ticks them when shown or
// handed in; a document may have several scans (both sides of a card). Every surface taking counter dossiers (API, back office) gets
// this rule through Submit.
func checklist(v *catalog.Version, lines []ReceivedDocument, scans []Document) ([]ReceivedDocument, error) {
	if len(lines) > maxChecklists {
		return nil, badInput("checklist_too_long", "Danh sách giấy tờ đã nhận quá dài.", "The checklist is too long.")
	}
	sent := map[string]ReceivedDocument{}
	for _, l := range lines {
		key := strings.TrimSpace(l.Key)
		if !hasDocument(v, key) {
			return nil, badInput("document_not_in_list", "Giấy tờ «%s» không thuộc thành phần hồ sơ của thủ tục.",
				"Document %q is not part of this procedure.", key)
		}
		if _, dup := sent[key]; dup {
			return nil, badInput("document_repeated", "Giấy tờ «%s» được kê khai hai lần.", "Document %q is listed twice.", key)
		}
		l.Key = key
		sent[key] = l
	}
	e := apperr.New(apperr.Invalid, "checklist_invalid",
		"Danh sách giấy tờ đã nhận chưa hợp lệ: giấy tờ bắt buộc phải được đánh dấu đã nhận, hoặc ghi rõ lý do tiếp nhận khi chưa có.",
		"The checklist is not valid: tick every required document as received, or write why the dossier is received without it.")
	field := func(key, code, vi, en string) {
		e.Fields = append(e.Fields, apperr.Field{Name: "doc." + key, Code: code, Message: vi, MessageEN: en})
	}
	out := make([]ReceivedDocument, 0, len(v.Documents))
	for _, doc := range v.Documents {
		l := sent[doc.Key]
		l.Key, l.Name = doc.Key, doc.Name
		l.Note = strings.Join(strings.Fields(vn.NFC(l.Note)), " ")
		switch {
		case len([]rune(l.Note)) > maxDocNote:
			field(doc.Key, "note_too_long", fmt.Sprintf("Ghi chú về «%s» dài quá %d ký tự.", doc.Name, maxDocNote),
				fmt.Sprintf("The note on “%s” is longer than %d characters.", doc.Name, maxDocNote))
		case l.Originals < 0 || l.Copies < 0 || l.Originals > maxDocCopies || l.Copies > maxDocCopies:
			field(doc.Key, "count_invalid", fmt.Sprintf("Số bản chính, bản sao của «%s» phải từ 0 đến %d.", doc.Name, maxDocCopies),
				fmt.Sprintf("The originals and copies of “%s” must be 0 to %d.", doc.Name, maxDocCopies))
		case l.Received && l.Originals+l.Copies == 0:
			l.Originals, l.Copies = doc.Originals, doc.Copies
		case !l.Received:
			l.Originals, l.Copies = 0, 0
			if doc.Required && l.Note == "" {
				field(doc.Key, "document_not_received",
					fmt.Sprintf("Chưa nhận giấy tờ bắt buộc «%s»: đánh dấu đã nhận, hoặc ghi rõ lý do tiếp nhận khi chưa có.", doc.Name),
					fmt.Sprintf("The required document “%s” is not ticked: tick it, or write why the dossier is received without it.", doc.Name))
			}
		}
		out = append(out, l)
	}
	named := map[string]bool{} // a document with several scans is named once
	for _, s := range scans {
		if s.DocKey == "" || named[s.DocKey] {
			continue
		}
		if l, ok := sent[s.DocKey]; ok && l.Received {
			continue
		}
		named[s.DocKey] = true
		name := s.DocKey
		if doc := findDoc(v, s.DocKey); doc != nil {
			name = doc.Name
		}
		field(s.DocKey, "scan_not_received", fmt.Sprintf("Có bản quét của «%s» nhưng giấy tờ chưa được đánh dấu đã nhận.", name),
			fmt.Sprintf("“%s” has a scan but is not ticked as received.", name))
	}
	if len(e.Fields) > 0 {
		return nil, e
	}
	return out, nil
}

func findDoc(v *catalog.Version, key string) *catalog.Document {
	for i := range v.Documents {
		if v.Documents[i].Key == key {
			return &v.Documents[i]
		}
	}
	return nil
}
