//! Loading: turning the files discovery read into the parsed documents of the deployment
//! model, one module per format.

pub mod lxd;
