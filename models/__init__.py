"""The science of the article: data, linear models, geometry, the toy problem, LeNet.

Nothing in this package imports Dash or Plotly; everything is plain numpy / scikit-learn / PyTorch
so it can be tested, benchmarked and run by the worker without a web server.
"""
