package link

// ring is a growable FIFO of values. It reuses its buffer: once it has grown
// to the most elements it holds at a time, pushing and popping allocate
// nothing. Its capacity is zero or a power of two.
//
// The element popFront returns stays valid until the next pop, whatever is
// pushed meanwhile: pushSlot grows the buffer rather than fill its last free
// slot (the old buffer is left as it was), and clear leaves head where it
// is, so the slot just popped is the last one a push would reach.
type ring[T any] struct {
	buf  []T
	head int // index of the first element
	n    int // number of elements
}

func (r *ring[T]) len() int { return r.n }

// at returns the i-th element from the front, 0 ≤ i < len.
func (r *ring[T]) at(i int) *T { return &r.buf[(r.head+i)&(len(r.buf)-1)] }

// front returns the first element; the ring must not be empty.
func (r *ring[T]) front() *T { return &r.buf[r.head] }

// pushSlot appends an element and returns it for the caller to fill in. Its
// old contents are unspecified.
func (r *ring[T]) pushSlot() *T {
	if r.full() {
		r.grow()
	}
	return r.push()
}

// full reports whether the ring must grow before a push: it keeps a slot
// free (see popFront).
func (r *ring[T]) full() bool { return r.n >= len(r.buf)-1 }

// push is pushSlot for a ring that is not full. Hot callers write
// "if r.full() { r.grow() }" and push, which the compiler inlines, where it
// does not inline pushSlot, because of its call.
func (r *ring[T]) push() *T {
	i := (r.head + r.n) & (len(r.buf) - 1)
	r.n++
	return &r.buf[i]
}

// pop removes the first element; the ring must not be empty.
func (r *ring[T]) pop() {
	r.head = (r.head + 1) & (len(r.buf) - 1)
	r.n--
}

// popFront removes the first element and returns it; the ring must not be
// empty. The element stays valid until the next pop or popFront.
func (r *ring[T]) popFront() *T {
	e := &r.buf[r.head]
	r.head = (r.head + 1) & (len(r.buf) - 1)
	r.n--
	return e
}

// clear removes every element, keeping the buffer and head (see popFront).
func (r *ring[T]) clear() { r.n = 0 }

// grow doubles the buffer.
func (r *ring[T]) grow() {
	c := 2 * len(r.buf)
	if c == 0 {
		c = 16
	}
	buf := make([]T, c)
	for i := 0; i < r.n; i++ {
		buf[i] = *r.at(i)
	}
	r.buf, r.head = buf, 0
}
