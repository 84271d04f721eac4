// A worker that ends without posting a result.
export {};
