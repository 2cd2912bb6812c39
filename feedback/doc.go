// Package feedback is the domain of what citizens say of the service:
// ratings (好差评, five levels as in the national 好差评 rules), reports that
// a guide is wrong (指南有误), reports of what could not be done (办不成事),
// and the tickets that make the owning department act on them within a
// number of working days (catalog.Calendar).
//
// It holds types, vocabularies, validation, the tickets' states and their
// deadlines; the store keeps them and the web layer takes them from forms.
// Every Chinese text is in zh.go.
package feedback
