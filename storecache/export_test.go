package storecache

import "strings"

// Cached reports whether a look-up of table with part among its key's
// parts would be answered from memory now.
func (c *Cache) Cached(table, part string) bool {
	now := c.opts.Now()
	if !c.serving(now) {
		return false
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	for k, e := range c.tables[tableIndex[table]].entries {
		if now.Sub(e.at) < c.opts.MaxAge && strings.Contains(k, "\x00"+part+"\x00") {
			return true
		}
	}
	return false
}
