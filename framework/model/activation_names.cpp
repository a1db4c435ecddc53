#include "framework/core/error.hpp"
#include "framework/model/model.hpp"

namespace nclab {

std::string to_string(Activation activation) {
  switch (activation) {
    case Activation::identity:
      return "identity";
    case Activation::sigmoid:
      return "sigmoid";
    case Activation::softmax:
      return "softmax";
  }
  return "unknown";
}

Activation parse_activation(const std::string& name) {
  for (Activation activation : {Activation::identity, Activation::sigmoid, Activation::softmax}) {
    if (name == to_string(activation)) return activation;
  }
  throw InputError("unknown activation '" + name + "'; use identity, sigmoid or softmax");
}

}  // namespace nclab
