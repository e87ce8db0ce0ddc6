package link

// ring is a growable FIFO of values. It reuses its buffer: once it has grown
// to the most elements it holds at a time, pushing and popping allocate
// nothing. Its capacity is zero or a power of two.
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
	if r.n == len(r.buf) {
		r.grow()
	}
	r.n++
	return r.at(r.n - 1)
}

// pop removes the first element; the ring must not be empty.
func (r *ring[T]) pop() {
	r.head = (r.head + 1) & (len(r.buf) - 1)
	r.n--
}

// clear removes every element, keeping the buffer.
func (r *ring[T]) clear() { r.head, r.n = 0, 0 }

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
