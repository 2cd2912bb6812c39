package search

import "testing"

// TestMatchCacheGrowsWithCatalogue: the match set of a common word in a
// catalogue of a million guide texts (six in ten of them) is kept, so
// that other filters and pages of the word do not search the index again;
// when the catalogue shrinks the cache gives the memory back; one entry
// over a quarter of the budget is not kept.
func TestMatchCacheGrowsWithCatalogue(t *testing.T) {
	set := func(groups int) *matchSet {
		return &matchSet{groups: make([]scoredGroup, groups), tableGroups: 1_000_000, large: true}
	}
	c := newCache[*matchSet](matchCacheBytes, 4)
	c.resize(matchBudget(1_000_000))
	c.put("身份证", set(600_000))
	if _, ok := c.get("身份证"); !ok {
		t.Fatalf("the matches of a common word in a million items were not kept (budget %d MiB)", c.budget>>20)
	}
	c.put("营业执照", set(300_000))
	if c.used > c.budget {
		t.Errorf("the cache holds %d bytes, over its budget of %d", c.used, c.budget)
	}
	c.resize(matchBudget(10_000))
	if c.used > c.budget || c.budget != matchCacheBytes {
		t.Errorf("after the catalogue shrank: %d bytes held, budget %d (want at most %d)", c.used, c.budget, matchCacheBytes)
	}
	c.put("社保", set(600_000))
	if _, ok := c.get("社保"); ok {
		t.Errorf("an entry of %d bytes was kept in a budget of %d", set(600_000).bytes(), c.budget)
	}
	c.put("护照", set(6_000))
	if _, ok := c.get("护照"); !ok {
		t.Error("a small entry was not kept")
	}
}
