// How models are named in URLs: LoopBack's rule (`lb4 controller` names the
// path after the model, kebab-cased and pluralised): Customer -> customers,
// OrderLine -> order-lines, Address -> addresses, Category -> categories.
#pragma once

#include <string>
#include <string_view>

namespace relstore::rest {

// The path segment of the model called `model_name`: kebab-case (a '-'
// before each upper-case letter that follows a lower-case letter or digit,
// then lower case), then the English plural of the last word: +"es" after
// s, x, z, ch or sh; "ies" for a consonant followed by y; +"s" otherwise.
// Two models whose names give one path are not refused: the router serves
// the first of them (in registry order) there, and the other has no routes.
std::string path_of(std::string_view model_name);

}  // namespace relstore::rest
