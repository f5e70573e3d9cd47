/**
 * The C helpers every exported KUnit suite starts with: the memory a trace declares, made
 * real (user VMAs through kunit_vm_mmap or, where it is missing, the steps it takes; kmalloc,
 * page_alloc, vmalloc, page-cache folios in an XARRAY or a FOLIOQ), the fill patterns of
 * trace-format section 4, a byte hash to compare memory with the model, and folio refcount bookkeeping. Era differences arrive as ITK_HAVE_*
 * macros from the API table (kapi.ts), defined before this text.
 *
 * @module
 */

/** The helper code, emitted once per suite. */
export const PRELUDE = String.raw`
#define ITK_USER	1
#define ITK_KMALLOC	2
#define ITK_PAGE_ALLOC	3
#define ITK_VMALLOC	4
#define ITK_FILE	5

#define ITK_PAT_ZERO		0
#define ITK_PAT_INDEX		1
#define ITK_PAT_INDEX_SUM	2
#define ITK_PAT_BYTE		3
#define ITK_PAT_RANDOM		4

#define ITK_MAX_REGIONS	8
#define ITK_MAX_FREES	64

struct itk_region {
	int kind;
	size_t size;
	unsigned long npages;
	unsigned int order;		/* page_alloc: the allocation's order */
	bool compound;			/* page_alloc: one folio of that order */
	bool populated;			/* user: touched at setup */
	unsigned long uaddr;		/* user */
	void *kaddr;			/* kmalloc, page_alloc, vmalloc */
	struct folio **folios;		/* file: the folio holding each page index */
	struct xarray *xa;		/* file: its page cache */
	int *base;			/* folio refcount per page index after setup */
};

struct itk_ctx {
	struct kunit *test;
	struct itk_region r[ITK_MAX_REGIONS];
	int nr;
	void *kvfrees[ITK_MAX_FREES];
	int nr_kvfrees;
	struct folio_queue *fqs[ITK_MAX_FREES];
	int nr_fqs;
	struct sg_table *sgts[ITK_MAX_FREES];
	int nr_sgts;
	struct sg_append_table *apps[ITK_MAX_FREES];
	int nr_apps;
	unsigned long uscratch;
};

static __maybe_unused void itk_ctx_free(struct kunit_resource *res)
{
	struct itk_ctx *c = res->data;
	int i;
	unsigned long j;

	for (i = 0; i < c->nr_sgts; i++)
		sg_free_table(c->sgts[i]);
	for (i = 0; i < c->nr_apps; i++)
		sg_free_append_table(c->apps[i]);
#if ITK_HAVE_FOLIOQ
	for (i = 0; i < c->nr_fqs; i++) {
		struct folio_queue *fq = c->fqs[i], *next;

		for (; fq; fq = next) {
			next = fq->next;
			kfree(fq);
		}
	}
#endif
	for (i = 0; i < c->nr_kvfrees; i++)
		kvfree(c->kvfrees[i]);
	for (i = 0; i < c->nr; i++) {
		struct itk_region *g = &c->r[i];

		switch (g->kind) {
		case ITK_KMALLOC:
			kfree(g->kaddr);
			break;
		case ITK_VMALLOC:
			vfree(g->kaddr);
			break;
		case ITK_PAGE_ALLOC:
			if (!g->kaddr)
				break;
			if (g->compound)
				__free_pages(virt_to_page(g->kaddr), g->order);
			else
				for (j = 0; j < (1UL << g->order); j++)
					__free_page(virt_to_page(g->kaddr + j * PAGE_SIZE));
			break;
		case ITK_FILE:
			if (g->xa) {
				xa_destroy(g->xa);
				kfree(g->xa);
			}
			for (j = 0; g->folios && j < g->npages; j++) {
				struct folio *f = g->folios[j];

				if (f && f->index == j)
					folio_put(f);
			}
			kfree(g->folios);
			break;
		}
		kfree(g->base);
	}
	kfree(c);
}

static __maybe_unused int itk_ctx_init(struct kunit_resource *res, void *context)
{
	struct itk_ctx *c = kzalloc(sizeof(*c), GFP_KERNEL);

	if (!c)
		return -ENOMEM;
	c->test = context;
	res->data = c;
	return 0;
}

static __maybe_unused struct itk_ctx *itk_ctx_new(struct kunit *test)
{
	struct itk_ctx *c = kunit_alloc_resource(test, itk_ctx_init, itk_ctx_free,
						 GFP_KERNEL, test);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, c);
	return c;
}

/* Frees @p (kvmalloc'd by the kernel, e.g. an extraction's page array) when the test ends. */
static __maybe_unused void *itk_keep(struct itk_ctx *c, void *p)
{
	KUNIT_ASSERT_LT(c->test, c->nr_kvfrees, ITK_MAX_FREES);
	c->kvfrees[c->nr_kvfrees++] = p;
	return p;
}

static __maybe_unused struct itk_region *itk_new_region(struct itk_ctx *c, int kind, size_t size)
{
	struct itk_region *g;

	KUNIT_ASSERT_LT(c->test, c->nr, ITK_MAX_REGIONS);
	g = &c->r[c->nr++];
	g->kind = kind;
	g->size = size;
	g->npages = DIV_ROUND_UP(size, PAGE_SIZE);
	g->base = kcalloc(g->npages, sizeof(int), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(c->test, g->base);
	return g;
}

#if ITK_HAVE_USER_MM
#if ITK_HAVE_VM_MMAP
static unsigned long itk_vm_mmap(struct itk_ctx *c, unsigned long len)
{
	return kunit_vm_mmap(c->test, NULL, 0, len, PROT_READ | PROT_WRITE,
			     MAP_ANONYMOUS | MAP_PRIVATE, 0);
}
#else
/*
 * No kunit_vm_mmap() in this kernel: the same steps (6.12 lib/kunit/user_alloc.c): an mm of the
 * test's own, attached to its kthread, whose exit puts it; then an anonymous private mapping.
 */
static unsigned long itk_vm_mmap(struct itk_ctx *c, unsigned long len)
{
	if (!current->mm) {
		struct mm_struct *mm = mm_alloc();

		KUNIT_ASSERT_NOT_NULL(c->test, mm);
		mm->task_size = TASK_SIZE;
		arch_pick_mmap_layout(mm, &current->signal->rlim[RLIMIT_STACK]);
		kthread_use_mm(mm);
	}
	return vm_mmap(NULL, 0, len, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, 0);
}
#endif

static __maybe_unused void itk_user(struct itk_ctx *c, size_t size, bool populate)
{
	struct itk_region *g = itk_new_region(c, ITK_USER, size);

	g->uaddr = itk_vm_mmap(c, g->npages * PAGE_SIZE);
	KUNIT_ASSERT_NE_MSG(c->test, g->uaddr, 0UL, "vm_mmap");
	KUNIT_ASSERT_FALSE(c->test, IS_ERR_VALUE(g->uaddr));
	g->populated = populate;
	if (populate)
		KUNIT_ASSERT_EQ(c->test, clear_user((void __user *)g->uaddr, g->npages * PAGE_SIZE), 0);
}

/* A user page with room for iovec arrays handed to import_iovec(). */
static __maybe_unused void __user *itk_uvec(struct itk_ctx *c, const struct iovec *iov, int nr)
{
	if (!c->uscratch) {
		c->uscratch = itk_vm_mmap(c, 16 * PAGE_SIZE);
		KUNIT_ASSERT_NE(c->test, c->uscratch, 0UL);
		KUNIT_ASSERT_FALSE(c->test, IS_ERR_VALUE(c->uscratch));
	}
	KUNIT_ASSERT_LE(c->test, nr * sizeof(*iov), 16 * PAGE_SIZE);
	KUNIT_ASSERT_EQ(c->test, copy_to_user((void __user *)c->uscratch, iov, nr * sizeof(*iov)), 0);
	return (void __user *)c->uscratch;
}
#endif

static __maybe_unused void itk_kmalloc(struct itk_ctx *c, size_t size)
{
	struct itk_region *g = itk_new_region(c, ITK_KMALLOC, size);

	/* a power-of-two kmalloc is naturally aligned, so page offsets match the model's */
	g->kaddr = kzalloc(max_t(size_t, roundup_pow_of_two(size), PAGE_SIZE), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(c->test, g->kaddr);
}

static __maybe_unused void itk_vmalloc(struct itk_ctx *c, size_t size)
{
	struct itk_region *g = itk_new_region(c, ITK_VMALLOC, size);

	g->kaddr = vzalloc(g->npages * PAGE_SIZE);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(c->test, g->kaddr);
}

/* Physically contiguous pages: one folio of the whole order, or split into order-0 pages. */
static __maybe_unused void itk_page_alloc(struct itk_ctx *c, size_t size, bool compound)
{
	struct itk_region *g = itk_new_region(c, ITK_PAGE_ALLOC, size);
	struct page *p;

	g->order = order_base_2(g->npages);
	g->compound = compound;
	p = alloc_pages(GFP_KERNEL | __GFP_ZERO | (compound ? __GFP_COMP : 0), g->order);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(c->test, p);
	if (!compound && g->order)
		split_page(p, g->order);
	g->kaddr = page_address(p);
}

/* A file's page cache: folios are added with itk_file_folio(), holes stay empty. */
static __maybe_unused void itk_file(struct itk_ctx *c, size_t size)
{
	struct itk_region *g = itk_new_region(c, ITK_FILE, size);

	g->folios = kcalloc(g->npages, sizeof(struct folio *), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(c->test, g->folios);
}

static __maybe_unused void itk_file_folio(struct itk_ctx *c, int r, unsigned long index, unsigned int order)
{
	struct itk_region *g = &c->r[r];
	struct folio *f = folio_alloc(GFP_KERNEL | __GFP_ZERO, order);
	unsigned long j;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(c->test, f);
	f->index = index;
	for (j = 0; j < (1UL << order) && index + j < g->npages; j++)
		g->folios[index + j] = f;
}

/* The page cache of file @r as an xarray of its (order-0) folios. */
static __maybe_unused struct xarray *itk_xarray(struct itk_ctx *c, int r)
{
	struct itk_region *g = &c->r[r];
	unsigned long j;

	if (g->xa)
		return g->xa;
	g->xa = kzalloc(sizeof(*g->xa), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(c->test, g->xa);
	xa_init(g->xa);
	for (j = 0; j < g->npages; j++) {
		struct folio *f = g->folios[j];

		if (f && f->index == j)
			KUNIT_ASSERT_FALSE(c->test, xa_is_err(xa_store(g->xa, j, f, GFP_KERNEL)));
	}
	return g->xa;
}

static __maybe_unused struct page *itk_page(struct itk_ctx *c, int r, unsigned long i)
{
	struct itk_region *g = &c->r[r];

	switch (g->kind) {
#if ITK_HAVE_USER_MM
	case ITK_USER: {
		struct page *p = NULL;

		/* the page mapped there now: look it up and drop the lookup's reference */
		if (get_user_pages_fast(g->uaddr + i * PAGE_SIZE, 1, 0, &p) != 1)
			return NULL;
		put_page(p);
		return p;
	}
#endif
	case ITK_KMALLOC:
	case ITK_PAGE_ALLOC:
		return virt_to_page(g->kaddr + i * PAGE_SIZE);
	case ITK_VMALLOC:
		return vmalloc_to_page(g->kaddr + i * PAGE_SIZE);
	case ITK_FILE:
		if (!g->folios[i])
			return NULL;
		return folio_page(g->folios[i], i - g->folios[i]->index);
	}
	return NULL;
}

static __maybe_unused void *itk_kaddr(struct itk_ctx *c, int r, size_t off)
{
	return c->r[r].kaddr + off;
}

static __maybe_unused void __user *itk_uaddr(struct itk_ctx *c, int r, size_t off)
{
	return (void __user *)(c->r[r].uaddr + off);
}

/* Copies between a region and a kernel buffer, whatever the region's kind. */
static __maybe_unused void itk_access(struct itk_ctx *c, int r, size_t off, void *buf, size_t len, bool write)
{
	struct itk_region *g = &c->r[r];

	switch (g->kind) {
#if ITK_HAVE_USER_MM
	case ITK_USER:
		if (write)
			KUNIT_ASSERT_EQ(c->test, copy_to_user(itk_uaddr(c, r, off), buf, len), 0);
		else
			KUNIT_ASSERT_EQ(c->test, copy_from_user(buf, itk_uaddr(c, r, off), len), 0);
		return;
#endif
	case ITK_FILE:
		while (len) {
			struct page *p = itk_page(c, r, off / PAGE_SIZE);
			size_t part = min_t(size_t, len, PAGE_SIZE - off % PAGE_SIZE);
			void *k;

			KUNIT_ASSERT_NOT_NULL(c->test, p);
			k = kmap_local_page(p);
			if (write)
				memcpy(k + off % PAGE_SIZE, buf, part);
			else
				memcpy(buf, k + off % PAGE_SIZE, part);
			kunmap_local(k);
			buf += part;
			off += part;
			len -= part;
		}
		return;
	default:
		if (write)
			memcpy(itk_kaddr(c, r, off), buf, len);
		else
			memcpy(buf, itk_kaddr(c, r, off), len);
	}
}

/* The bytes of a fill pattern from @origin, as src/model/fill.ts defines them. */
static __maybe_unused void itk_pattern(u8 *buf, int pat, u32 arg, size_t origin, size_t len)
{
	size_t i;
	u32 x;

	switch (pat) {
	case ITK_PAT_RANDOM:
		x = arg ? arg : 0x9e3779b9;
		for (i = 0; i < origin + len; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			if (i >= origin)
				buf[i - origin] = x & 0xff;
		}
		return;
	}
	for (i = 0; i < len; i++) {
		size_t o = origin + i;

		switch (pat) {
		case ITK_PAT_ZERO:
			buf[i] = 0;
			break;
		case ITK_PAT_INDEX:
			buf[i] = o & 0xff;
			break;
		case ITK_PAT_INDEX_SUM:
			buf[i] = ((o & 0xff) + ((o >> 8) & 0xff) + ((o >> 16) & 0xff)) & 0xff;
			break;
		default:
			buf[i] = arg;
		}
	}
}

static __maybe_unused void itk_fill(struct itk_ctx *c, int r, size_t off, size_t len, int pat, u32 arg,
		     size_t origin)
{
	u8 *buf = kvmalloc(len ? len : 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(c->test, buf);
	itk_pattern(buf, pat, arg, origin, len);
	itk_access(c, r, off, buf, len, true);
	kvfree(buf);
}

/* FNV-1a over a region's bytes [off, off + len). */
static __maybe_unused u32 itk_hash(struct itk_ctx *c, int r, size_t off, size_t len)
{
	u8 *buf = kvmalloc(len ? len : 1, GFP_KERNEL);
	u32 h = 0x811c9dc5;
	size_t i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(c->test, buf);
	itk_access(c, r, off, buf, len, false);
	for (i = 0; i < len; i++) {
		h ^= buf[i];
		h *= 0x01000193;
	}
	kvfree(buf);
	return h;
}

/* A bounce buffer holding a region's bytes, for copies whose region has no kernel mapping. */
static __maybe_unused void *itk_bounce(struct itk_ctx *c, int r, size_t off, size_t len)
{
	void *buf = itk_keep(c, kvmalloc(len ? len : 1, GFP_KERNEL));

	KUNIT_ASSERT_NOT_ERR_OR_NULL(c->test, buf);
	itk_access(c, r, off, buf, len, false);
	return buf;
}

/* Records every page's folio refcount once setup is done: expectations are deltas from it. */
static __maybe_unused void itk_settle(struct itk_ctx *c)
{
	int i;
	unsigned long j;

	lru_add_drain();
	for (i = 0; i < c->nr; i++) {
		struct itk_region *g = &c->r[i];

		if (g->kind == ITK_KMALLOC)
			continue;
		for (j = 0; j < g->npages; j++) {
			struct page *p;

			/* an untouched user page is faulted in later, with refcount 1 */
			if (g->kind == ITK_USER && !g->populated) {
				g->base[j] = 1;
				continue;
			}
			p = itk_page(c, i, j);
			g->base[j] = p && !is_zero_pfn(page_to_pfn(p)) ? folio_ref_count(page_folio(p)) : 1;
		}
	}
}

/* The folio holding page @i of region @r: its refcount less the baseline, and pin state. */
static __maybe_unused void itk_expect_folio(struct itk_ctx *c, int r, unsigned long i, int delta, bool pinned,
			     int step)
{
	struct page *p;
	struct folio *f;

	lru_add_drain();
	p = itk_page(c, r, i);
	KUNIT_ASSERT_NOT_NULL_MSG(c->test, p, "#%d: no page %d[%lu]", step, r, i);
	f = page_folio(p);
	KUNIT_EXPECT_EQ_MSG(c->test, folio_ref_count(f) - c->r[r].base[i], delta,
			    "#%d: refcount of folio of %d[%lu]", step, r, i);
	KUNIT_EXPECT_EQ_MSG(c->test, folio_maybe_dma_pinned(f), pinned,
			    "#%d: folio_maybe_dma_pinned of %d[%lu]", step, r, i);
}

static __maybe_unused struct sg_table *itk_sgt(struct itk_ctx *c, unsigned int nents, bool alloc, int *ret)
{
	struct sg_table *t = itk_keep(c, kvzalloc(sizeof(*t), GFP_KERNEL));

	KUNIT_ASSERT_NOT_ERR_OR_NULL(c->test, t);
	if (alloc) {
		*ret = sg_alloc_table(t, nents, GFP_KERNEL);
		if (!*ret) {
			KUNIT_ASSERT_LT(c->test, c->nr_sgts, ITK_MAX_FREES);
			c->sgts[c->nr_sgts++] = t;
		}
		return t;
	}
	t->sgl = itk_keep(c, kvcalloc(max(nents, 1U), sizeof(struct scatterlist), GFP_KERNEL));
	KUNIT_ASSERT_NOT_ERR_OR_NULL(c->test, t->sgl);
	sg_init_table(t->sgl, max(nents, 1U));
	return t;
}

/* A table sg_alloc_table_from_pages_segment() fills; freed when the test ends if it did. */
static __maybe_unused struct sg_table *itk_sgt_from_pages(struct itk_ctx *c, struct page **pages,
					   unsigned int n, unsigned int offset, unsigned long size,
					   unsigned int max_segment, int *ret)
{
	struct sg_table *t = itk_keep(c, kvzalloc(sizeof(*t), GFP_KERNEL));

	KUNIT_ASSERT_NOT_ERR_OR_NULL(c->test, t);
	*ret = sg_alloc_table_from_pages_segment(t, pages, n, offset, size, max_segment,
						 GFP_KERNEL);
	if (!*ret) {
		KUNIT_ASSERT_LT(c->test, c->nr_sgts, ITK_MAX_FREES);
		c->sgts[c->nr_sgts++] = t;
	}
	return t;
}

/* An append table for sg_alloc_append_table_from_pages(), freed when the test ends. */
static __maybe_unused struct sg_append_table *itk_sg_append(struct itk_ctx *c)
{
	struct sg_append_table *a = itk_keep(c, kvzalloc(sizeof(*a), GFP_KERNEL));

	KUNIT_ASSERT_NOT_ERR_OR_NULL(c->test, a);
	KUNIT_ASSERT_LT(c->test, c->nr_apps, ITK_MAX_FREES);
	c->apps[c->nr_apps++] = a;
	return a;
}

/* An array for the pages handed to the sg table builders. */
static __maybe_unused struct page **itk_pages(struct itk_ctx *c, unsigned int n)
{
	struct page **p = itk_keep(c, kvcalloc(max(n, 1U), sizeof(struct page *), GFP_KERNEL));

	KUNIT_ASSERT_NOT_ERR_OR_NULL(c->test, p);
	return p;
}

static __maybe_unused struct scatterlist *itk_sg(struct sg_table *t, unsigned int i)
{
	struct scatterlist *sg = t->sgl;

	while (i--)
		sg = sg_next(sg);
	return sg;
}

#if ITK_HAVE_FOLIOQ
/* A folio_queue of @n folios (pages named by region and index), chained every 31 slots. */
static __maybe_unused struct folio_queue *itk_folioq(struct itk_ctx *c, const int *r, const unsigned long *ix,
				      int n)
{
	struct folio_queue *head, *fq;
	int i;

	head = fq = kzalloc(sizeof(*fq), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(c->test, fq);
	folioq_init(fq, 0);
	KUNIT_ASSERT_LT(c->test, c->nr_fqs, ITK_MAX_FREES);
	c->fqs[c->nr_fqs++] = head;
	for (i = 0; i < n; i++) {
		struct page *p = itk_page(c, r[i], ix[i]);

		KUNIT_ASSERT_NOT_NULL(c->test, p);
		if (folioq_full(fq)) {
			fq->next = kzalloc(sizeof(*fq), GFP_KERNEL);
			KUNIT_ASSERT_NOT_ERR_OR_NULL(c->test, fq->next);
			folioq_init(fq->next, 0);
			fq->next->prev = fq;
			fq = fq->next;
		}
		folioq_append(fq, page_folio(p));
	}
	return head;
}
#endif
`;
