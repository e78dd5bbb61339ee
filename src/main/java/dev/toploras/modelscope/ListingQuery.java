package dev.toploras.modelscope;

/** One page of the LoRA listing for a task, in ModelScope's sort vocabulary. */
public record ListingQuery(String task, String sortBy, int pageNumber, int pageSize) {
    /** The server caps pages at 100 records. */
    public static final int MAX_PAGE_SIZE = 100;

    public ListingQuery {
        if (pageNumber < 1) {
            throw new IllegalArgumentException("pageNumber is 1-based");
        }
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("pageSize must be 1.." + MAX_PAGE_SIZE);
        }
    }
}
