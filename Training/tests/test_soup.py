"""soup.py averages models with the same tensors and refuses others."""
import pytest

torch = pytest.importorskip("torch")
import soup  # noqa: E402


def test_average_is_the_share_weighted_mean():
    a = {"w": torch.tensor([1.0, 2.0]), "b": torch.tensor([0.0])}
    b = {"w": torch.tensor([3.0, 6.0]), "b": torch.tensor([4.0])}
    even = soup.average([a, b], [1, 1])
    assert torch.equal(even["w"], torch.tensor([2.0, 4.0])) and torch.equal(even["b"], torch.tensor([2.0]))
    tilted = soup.average([a, b], [3, 1])
    assert torch.allclose(tilted["w"], torch.tensor([1.5, 3.0])) and torch.allclose(tilted["b"], torch.tensor([1.0]))


def test_average_refuses_models_of_another_shape_or_tensor_set():
    a = {"w": torch.zeros(2)}
    with pytest.raises(SystemExit):
        soup.average([a, {"w": torch.zeros(3)}], [1, 1])
    with pytest.raises(SystemExit):
        soup.average([a, {"v": torch.zeros(2)}], [1, 1])
    with pytest.raises(SystemExit):
        soup.average([a, a], [1])
