//! Black-box HTTP tests. `routes/` mirrors `api/src/routes/`, one file per route module; the files
//! beside it cover what spans routes: the contract, malformed input, exports, performance and the
//! permission table. Each test runs once per backend (`backend_test!`): `<test>::sqlite`, and
//! `<test>::postgres` when `TEST_DATABASE_URL` is set.
mod browser;
mod codes;
mod conditional;
mod errors;
mod exports;
mod fixtures;
mod openapi;
mod performance;
mod roles;
mod routes;
mod unit_of_work;
