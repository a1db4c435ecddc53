#include "framework/core/run_settings.hpp"

#include <algorithm>
#include <stdexcept>

#include "framework/core/error.hpp"

namespace nclab {

std::uint32_t SettingPool::add(std::string_view name, std::string_view value) {
  const auto found = index_of_.find({name, value});
  if (found != index_of_.end()) return found->second;
  const auto index = static_cast<std::uint32_t>(pairs_.size());
  const Setting& stored = pairs_.emplace_back(std::string(name), std::string(value));
  index_of_.emplace(std::pair<std::string_view, std::string_view>(stored.first, stored.second), index);
  return index;
}

RunSettings::RunSettings(std::shared_ptr<SettingPool> pool, const std::vector<Setting>& settings) {
  std::vector<std::uint32_t> indices;
  indices.reserve(settings.size());
  for (const auto& [name, value] : settings) indices.push_back(pool->add(name, value));
  assign(std::move(pool), indices);
}

RunSettings::RunSettings(std::shared_ptr<SettingPool> pool, const std::map<std::string, std::string>& settings) {
  std::vector<std::uint32_t> indices;
  indices.reserve(settings.size());
  for (const auto& [name, value] : settings) indices.push_back(pool->add(name, value));
  assign(std::move(pool), indices);
}

void RunSettings::assign(std::shared_ptr<SettingPool> pool, const std::vector<std::uint32_t>& indices) {
  const auto by_name = [&](std::uint32_t a, std::uint32_t b) { return pool->at(a).first < pool->at(b).first; };
  std::shared_ptr<std::uint32_t[]> sorted = std::make_shared<std::uint32_t[]>(indices.size());
  std::copy(indices.begin(), indices.end(), sorted.get());
  std::sort(sorted.get(), sorted.get() + indices.size(), by_name);
  for (std::size_t i = 1; i < indices.size(); ++i) {
    const std::string& name = pool->at(sorted[i]).first;
    if (name == pool->at(sorted[i - 1]).first) throw RuntimeFailure("the settings of a run list '" + name + "' twice");
  }
  pool_ = std::move(pool);
  indices_ = std::move(sorted);
  size_ = indices.size();
}

RunSettings::RunSettings(std::initializer_list<Setting> settings)
    : RunSettings(std::make_shared<SettingPool>(), std::vector<Setting>(settings)) {}

RunSettings::RunSettings(const std::map<std::string, std::string>& settings)
    : RunSettings(std::make_shared<SettingPool>(), settings) {}

RunSettings::const_iterator RunSettings::find(std::string_view name) const {
  const std::uint32_t* last = indices_.get() + size_;
  const std::uint32_t* position = std::lower_bound(
      indices_.get(), last, name, [&](std::uint32_t index, std::string_view key) { return pool_->at(index).first < key; });
  if (position == last || pool_->at(*position).first != name) return end();
  return {pool_.get(), position};
}

const std::string& RunSettings::at(std::string_view name) const {
  const const_iterator found = find(name);
  if (found == end()) throw std::out_of_range("the run has no setting '" + std::string(name) + "'");
  return found->second;
}

bool operator==(const RunSettings& a, const RunSettings& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

}  // namespace nclab
