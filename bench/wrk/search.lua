-- Storefront text search: one or two terms (English or Chinese), relevance order, 20 per page.
local terms = {}

function init(args)
  seed()
  terms = read_lines(args[1] .. "/terms.txt")
end

function request()
  return wrk.format("GET", "/api/v1/products?limit=20&q=" .. terms[math.random(#terms)])
end
