-- Storefront list: a department (category subtree) page of 20, newest first; after each
-- page, follow its next_cursor with probability 0.8 (about 5 pages per visit), else start
-- a new visit in another department. The category is recovered from the page itself
-- (the items' leaf category -> its department, from leaves.txt).
local departments, dept_of, pending = {}, {}, {}

function init(args)
  seed()
  departments = read_lines(args[1] .. "/departments.txt")
  for _, line in ipairs(read_lines(args[1] .. "/leaves.txt")) do
    local leaf, dept = line:match("(%S+) (%S+)")
    dept_of[leaf] = dept
  end
end

function request()
  local path = table.remove(pending)
  if path == nil then
    path = "/api/v1/products?limit=20&category_id=" .. departments[math.random(#departments)]
  end
  return wrk.format("GET", path)
end

function response(status, headers, body)
  if status ~= 200 or math.random() > 0.8 then return end
  local cursor = body:match('"next_cursor":"([^"]+)"')
  local leaf = body:match('"category_id":"([^"]+)"')
  if cursor and leaf and dept_of[leaf] and #pending < 64 then
    pending[#pending + 1] = "/api/v1/products?limit=20&category_id=" .. dept_of[leaf] .. "&cursor=" .. cursor
  end
end
