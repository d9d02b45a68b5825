-- Storefront product detail: a random product of a 20,000-product sample.
local products = {}

function init(args)
  seed()
  products = read_lines(args[1] .. "/products.txt")
end

function request()
  return wrk.format("GET", "/api/v1/products/" .. products[math.random(#products)])
end
