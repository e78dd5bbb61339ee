package dev.toploras.catalog;

/** A refresh asked ModelScope for more listing pages than catalog.max-pages allows. */
public class ListingBoundException extends CatalogException {
    public ListingBoundException(int maxPages) {
        super("the ModelScope listing was asked for more than catalog.max-pages (" + maxPages + ") pages in one"
                + " refresh; a route keeps paging (check the loop of catalog-fetch-pages in your routes/catalog.camel.yaml),"
                + " or raise catalog.max-pages");
    }
}
