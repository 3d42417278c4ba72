/*
| HTTP routes, one file per area. Every route is named `[area.]resource.action`
| and links are built from the names (`route()` in views, `toRoute()` in
| redirects), never by hand.
*/
import '#start/routes/public'
import '#start/routes/api'
import '#start/routes/staff'
import '#start/routes/transmit'
