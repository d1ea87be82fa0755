package dossier

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// TestEventDataRoundTrip: every action's payload encodes to the bytes the
// event log held when payloads were maps (same keys, same order), and
// decodes back to the same typed value.
func TestEventDataRoundTrip(t *testing.T) {
	oldDue := time.Date(2025, 3, 19, 10, 0, 0, 0, time.UTC)
	newDue := time.Date(2025, 3, 26, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		act  Action
		data EventData
		old  map[string]any // what the lifecycle used to record
	}{
		{ActRequestSupplement, SupplementData{Documents: []string{"to_khai", "cccd"}}, map[string]any{"documents": []string{"to_khai", "cccd"}}},
		{ActAssign, AssignData{Assignee: "Trần Văn Minh"}, map[string]any{"assignee": "Trần Văn Minh"}},
		{ActTransfer, UnitData{ToUnit: "000.00.02.H26"}, map[string]any{"to_unit": "000.00.02.H26"}},
		{ActReturnResult, UnitData{ToUnit: "000.12.02.H26"}, map[string]any{"to_unit": "000.12.02.H26"}},
		{ActConsult, ConsultData{ToUnit: "000.00.41.H26"}, map[string]any{"to_unit": "000.00.41.H26"}},
		{ActConsult, ConsultData{ToUnit: "000.00.41.H26", ReplyDays: 5, ReplyBy: &newDue},
			map[string]any{"to_unit": "000.00.41.H26", "reply_days": 5, "reply_by": newDue.Format(time.RFC3339)}},
		{ActAnswerConsult, AnswerData{FromUnit: "000.12.02.H26"}, map[string]any{"from_unit": "000.12.02.H26"}},
		{ActRequestFee, FeeData{Amount: 1500000}, map[string]any{"amount": int64(1500000)}},
		{ActDraftResult, ResultData{ResultNumber: "12/QĐ-UBND", Granted: true}, map[string]any{"result_number": "12/QĐ-UBND", "granted": true}},
		// New with the head of office's review: the draft it approved.
		{ActApproveDraft, ResultData{ResultNumber: "12/QĐ-UBND", Granted: true}, map[string]any{"result_number": "12/QĐ-UBND", "granted": true}},
		{ActFinish, ResultData{ResultNumber: "", Granted: false}, map[string]any{"result_number": "", "granted": false}},
		{ActDeliver, DeliverData{Method: "post"}, map[string]any{"method": "post"}},
		{ActReschedule, RescheduleData{OldDue: oldDue, NewDue: newDue},
			map[string]any{"old_due": oldDue.Format(time.RFC3339), "new_due": newDue.Format(time.RFC3339)}},
		{ActRate, RatingData{Rating: RatingSatisfied}, map[string]any{"rating": "satisfied"}},
		{ActRate, RatingData{Rating: RatingSatisfied, Channel: RatingChannelKiosk}, map[string]any{"rating": "satisfied", "channel": "kiosk"}},
		// New with the counter checklist: no older encoding to match.
		{ActReceive, ReceiveData{Documents: []ReceivedDocument{{Key: "to_khai", Name: "Tờ khai", Received: true, Originals: 1},
			{Key: "cccd", Name: "CCCD", Note: "Tra cứu CSDL dân cư"}}},
			map[string]any{"documents": []ReceivedDocument{{Key: "to_khai", Name: "Tờ khai", Received: true, Originals: 1},
				{Key: "cccd", Name: "CCCD", Note: "Tra cứu CSDL dân cư"}}}},
		{ActReceive, ReceiveData{Documents: []ReceivedDocument{}, Sources: map[string]Origin{"ho_ten": OriginPopulation}},
			map[string]any{"documents": []ReceivedDocument{}, "sources": map[string]Origin{"ho_ten": OriginPopulation}}},
		// New with the prefill: which values the platform filled.
		{ActSubmit, SubmitData{Sources: map[string]Origin{"ho_ten": OriginIdentity, "noi_cu_tru": OriginPopulation}},
			map[string]any{"sources": map[string]Origin{"ho_ten": OriginIdentity, "noi_cu_tru": OriginPopulation}}},
	}
	seen := map[Action]bool{}
	for _, tt := range tests {
		seen[tt.act] = true
		got, err := json.Marshal(tt.data)
		if err != nil {
			t.Fatalf("%s: %v", tt.act, err)
		}
		want, _ := json.Marshal(tt.old)
		if string(got) != string(want) {
			t.Errorf("%s: encodes to %s, the log holds %s", tt.act, got, want)
		}
		back, err := DecodeEventData(tt.act, got)
		if err != nil {
			t.Fatalf("%s: decoding: %v", tt.act, err)
		}
		if !reflect.DeepEqual(back, tt.data) {
			t.Errorf("%s: decodes to %#v, want %#v", tt.act, back, tt.data)
		}
		// Through a whole event, as the API writes and a client reads it.
		ev := Event{ID: 7, Action: tt.act, From: StatusProcessing, To: StatusProcessing, Data: tt.data}
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		var ev2 Event
		if err := json.Unmarshal(b, &ev2); err != nil {
			t.Fatalf("%s: decoding the event %s: %v", tt.act, b, err)
		}
		if !reflect.DeepEqual(ev2.Data, tt.data) || ev2.ID != 7 || ev2.Action != tt.act {
			t.Errorf("%s: event round trip gave %+v", tt.act, ev2)
		}
	}
	// Every action with a payload type is covered.
	for act := range eventDataTypes {
		if !seen[act] {
			t.Errorf("%s has a payload type but no round-trip case", act)
		}
	}
	// No payload, and a payload of an action without a type, still read.
	if d, err := DecodeEventData(ActReceive, nil); d != nil || err != nil {
		t.Errorf("no payload: %v, %v", d, err)
	}
	raw := []byte(`{"legacy":1}`)
	d, err := DecodeEventData(ActFeePaid, raw)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(d); string(b) != string(raw) {
		t.Errorf("untyped payload re-encodes as %s", b)
	}
	if _, err := DecodeEventData(ActRequestFee, []byte(`{"amount":"lots"}`)); err == nil {
		t.Error("an ill-typed payload decoded")
	}
}
