"""The science of the article: data conventions, linear models, geometry, the toy problem, LeNet.

Nothing in this package imports another package of the project, nor Dash, Flask or Plotly: plain numpy /
scipy / PyTorch, given data and returning results, so it can be tested, benchmarked and run anywhere.
Reading and writing artifacts is ``store``'s job; paths and environment variables are ``settings``'.
"""
